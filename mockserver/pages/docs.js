"use strict";
// Swagger UI for the family this port serves, with the seeded credentials already entered.
fetch("config.json", { cache: "no-store" })
  .then((response) => response.json())
  .then((config) => {
    document.title = `revokit mock: ${config.family} API docs`;
    const ui = SwaggerUIBundle({
      url: config.spec_url,
      dom_id: "#swagger-ui",
      deepLinking: true,
      tryItOutEnabled: true,
      validatorUrl: null, // the default validator badge calls a public server
      onComplete: () => {
        for (const [scheme, value] of Object.entries(config.authorizations)) {
          if (Array.isArray(value)) ui.preauthorizeBasic(scheme, value[0], value[1]);
          else ui.preauthorizeApiKey(scheme, value);
        }
      },
    });
    window.ui = ui;
  });
