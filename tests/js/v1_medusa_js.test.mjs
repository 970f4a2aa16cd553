// End-to-end check of the medusa-v1 mock with the real @medusajs/medusa-js 6.1.10 client.
// Driven by tests/medusa_v1/test_v1_medusa_js.py, which starts a live mock and sets:
//   REVOKIT_MEDUSA_V1_URL      base URL of the mock
//   REVOKIT_MEDUSA_V1_PROFILE  the mock's behaviour profile: contract | medusa-1.20
// The seeded facts are read from the mock's control plane. Any failed check exits non-zero.
import assert from "node:assert/strict";

import Medusa from "@medusajs/medusa-js";

const baseUrl = process.env.REVOKIT_MEDUSA_V1_URL;
assert.ok(baseUrl, "REVOKIT_MEDUSA_V1_URL is not set (run tests/medusa_v1/test_v1_medusa_js.py)");
const profile = process.env.REVOKIT_MEDUSA_V1_PROFILE ?? "contract";

const seedResponse = await fetch(`${baseUrl}/__revokit/seed`);
assert.equal(seedResponse.status, 200, "the mock's seed is not reachable");
const seed = await seedResponse.json();
const mobile = seed.sales_channels.find((channel) => channel.ref === "mobile");
const mobileProducts = seed.products.filter((product) => product.sales_channel_ids.includes(mobile.id));

let checks = 0;

async function step(name, fn) {
  try {
    await fn();
    checks += 1;
    console.log(`ok - ${name}`);
  } catch (error) {
    console.error(`not ok - ${name}`);
    throw error;
  }
}

// medusa-js rejects with the axios error; the answer is on error.response.
async function refused(promise, status, body) {
  let failure;
  try {
    await promise;
  } catch (error) {
    failure = error;
  }
  assert.ok(failure, `expected HTTP ${status}, but the call succeeded`);
  assert.ok(failure.response, `expected an HTTP answer, got ${failure}`);
  assert.equal(failure.response.status, status);
  assert.deepEqual(failure.response.data, body);
}

const anonymous = new Medusa({ baseUrl, maxRetries: 0 });
let sessionCookie;

await step("admin.auth.createSession logs in and sets connect.sid", async () => {
  const { user, response } = await anonymous.admin.auth.createSession({
    email: seed.admin.email,
    password: seed.admin.password,
  });
  assert.equal(user.id, seed.admin.id);
  assert.equal(user.email, "admin@medusa-test.com");
  assert.equal("password_hash" in user, false);
  sessionCookie = response.headers["set-cookie"][0].split(";")[0];
  assert.match(sessionCookie, /^connect\.sid=s%3A/);
});

const sessionClient = new Medusa({ baseUrl, maxRetries: 0, customHeaders: { Cookie: sessionCookie } });

await step("the session cookie authenticates admin.auth.getSession", async () => {
  const { user } = await sessionClient.admin.auth.getSession();
  assert.equal(user.id, seed.admin.id);
});

await step("admin.auth.getToken returns a JWT that 6.1.10 does not send outside a browser", async () => {
  const { access_token: token } = await anonymous.admin.auth.getToken({
    email: seed.admin.email,
    password: seed.admin.password,
  });
  const payload = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());
  assert.equal(payload.user_id, seed.admin.id);
  assert.equal(payload.domain, "admin");
  assert.equal(payload.exp - payload.iat, 24 * 3600);
  await refused(anonymous.admin.publishableApiKeys.list(), 401, "Unauthorized");
});

await step("a wrong password is refused", async () => {
  await refused(
    anonymous.admin.auth.createSession({ email: seed.admin.email, password: "wrong" }),
    401,
    "Unauthorized",
  );
});

// The API token (`apiKey` option) travels as x-medusa-access-token on every /admin call.
const medusa = new Medusa({ baseUrl, maxRetries: 0, apiKey: seed.admin.api_token });
const keys = medusa.admin.publishableApiKeys;
let key;

await step("publishableApiKeys.create", async () => {
  const { publishable_api_key: created, response } = await keys.create({ title: "JS storefront" });
  assert.equal(response.status, 200);
  assert.match(created.id, /^pk_[0-9A-HJKMNP-TV-Z]{26}$/);
  assert.equal(created.title, "JS storefront");
  assert.equal(created.created_by, seed.admin.id);
  assert.equal(created.revoked_by, null);
  assert.equal(created.revoked_at, null);
  key = created;
});

await step("publishableApiKeys.list", async () => {
  const all = await keys.list();
  assert.equal(all.count, seed.publishable_api_keys.length + 1);
  assert.equal(all.limit, 20);
  assert.equal(all.offset, 0);
  assert.equal(all.publishable_api_keys[0].id, key.id, "newest first");
  const found = await keys.list({ q: "js STORE", limit: 5 });
  assert.deepEqual(
    found.publishable_api_keys.map((k) => k.id),
    [key.id],
  );
  assert.equal(found.limit, 5);
});

await step("publishableApiKeys.retrieve", async () => {
  const { publishable_api_key: got } = await keys.retrieve(key.id);
  assert.deepEqual(got, key);
});

await step("publishableApiKeys.update", async () => {
  const { publishable_api_key: updated } = await keys.update(key.id, { title: "JS storefront (EU)" });
  assert.equal(updated.id, key.id);
  assert.equal(updated.title, "JS storefront (EU)");
});

await step("publishableApiKeys.addSalesChannelsBatch", async () => {
  const { publishable_api_key: linked } = await keys.addSalesChannelsBatch(key.id, {
    sales_channel_ids: [{ id: mobile.id }],
  });
  assert.equal(linked.id, key.id);
});

await step("publishableApiKeys.listSalesChannels", async () => {
  const { sales_channels: channels } = await keys.listSalesChannels(key.id);
  assert.deepEqual(
    channels.map((c) => [c.id, c.name, c.deleted_at]),
    [[mobile.id, "Mobile App", null]],
  );
  const none = await keys.listSalesChannels(key.id, { q: "no such channel" });
  assert.deepEqual(none.sales_channels, []);
});

let storeCountBefore;

await step("store products are scoped by the key before the revoke", async () => {
  const store = new Medusa({ baseUrl, maxRetries: 0, publishableApiKey: key.id });
  const { products, count } = await store.products.list();
  assert.equal(count, mobileProducts.length);
  assert.deepEqual(products.map((p) => p.id).sort(), mobileProducts.map((p) => p.id).sort());
  storeCountBefore = count;
});

await step("publishableApiKeys.revoke", async () => {
  const { publishable_api_key: revoked } = await keys.revoke(key.id);
  assert.equal(revoked.id, key.id);
  assert.equal(revoked.revoked_by, seed.admin.id);
  assert.ok(!Number.isNaN(Date.parse(revoked.revoked_at)));
  await refused(keys.revoke(key.id), 400, {
    type: "not_allowed",
    message: "PublishableApiKey has already been revoked.",
  });
});

await step(`store products after the revoke (${profile})`, async () => {
  const store = new Medusa({ baseUrl, maxRetries: 0 });
  store.setPublishableKey(key.id);
  if (profile === "medusa-1.20") {
    // 1.20 never checks revocation: the key keeps scoping to its channels.
    const { count } = await store.products.list();
    assert.equal(count, storeCountBefore);
  } else {
    await refused(store.products.list(), 400, {
      type: "not_allowed",
      message: "A valid publishable key is required to proceed with the request",
    });
  }
  store.setPublishableKey(null);
});

await step("publishableApiKeys.deleteSalesChannelsBatch on the revoked key", async () => {
  const { publishable_api_key: unlinked } = await keys.deleteSalesChannelsBatch(key.id, {
    sales_channel_ids: [{ id: mobile.id }],
  });
  assert.equal(unlinked.id, key.id);
  const { sales_channels: channels } = await keys.listSalesChannels(key.id);
  assert.deepEqual(channels, []);
});

await step("publishableApiKeys.delete", async () => {
  const deleted = await keys.delete(key.id);
  assert.equal(deleted.id, key.id);
  assert.equal(deleted.object, "publishable_api_key");
  assert.equal(deleted.deleted, true);
  const notFound = { type: "not_found", message: `Publishable key with id: ${key.id} was not found` };
  await refused(keys.retrieve(key.id), 404, notFound);
  await refused(keys.delete(key.id), 404, notFound);
});

await step("admin.auth.deleteSession ends the session", async () => {
  // The body is the text "OK"; medusa-js spreads it into the result ({0: "O", 1: "K", response}).
  const { response, ...text } = await sessionClient.admin.auth.deleteSession();
  assert.equal(response.status, 200);
  assert.equal(Object.values(text).join(""), "OK");
  await refused(sessionClient.admin.auth.getSession(), 401, "Unauthorized");
});

console.log(`medusa-js ${profile}: ${checks} checks passed`);
