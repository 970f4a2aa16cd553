// End-to-end check of the xclade-v2 mock with the real @medusajs/js-sdk 2.21.2.
// Run by tests/xclade_v2/test_v2_js_sdk.py: REVOKIT_V2_URL is the live mock's base URL and
// REVOKIT_V2_SEED the JSON served at /__revokit/seed. Exits non-zero on the first failed check.
import assert from "node:assert/strict";

import Medusa, { FetchError } from "@medusajs/js-sdk";

const baseUrl = process.env.REVOKIT_V2_URL;
assert.ok(baseUrl, "REVOKIT_V2_URL is not set");
const seed = JSON.parse(process.env.REVOKIT_V2_SEED ?? "{}");
assert.ok(seed.admin, "REVOKIT_V2_SEED has no admin");

const quiet = { error() {}, warn() {}, info() {}, debug() {} };
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

async function rejects(promise, status, message) {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof FetchError, `expected a FetchError, got ${error}`);
    assert.equal(error.status, status);
    assert.equal(error.message, message);
    return;
  }
  assert.fail(`expected HTTP ${status} "${message}", but the call succeeded`);
}

const admin = new Medusa({
  baseUrl,
  logger: quiet,
  auth: { type: "jwt", jwtTokenStorageMethod: "memory" },
});

let secret;
let publishable;
let channelId;

await step("auth.login with the seeded admin returns a JWT", async () => {
  const token = await admin.auth.login("user", "emailpass", {
    email: seed.admin.email,
    password: seed.admin.password,
  });
  assert.equal(typeof token, "string");
  assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
});

await step("auth.login with a wrong password is a 401", async () => {
  const stranger = new Medusa({ baseUrl, logger: quiet, auth: { jwtTokenStorageMethod: "memory" } });
  await rejects(
    stranger.auth.login("user", "emailpass", { email: seed.admin.email, password: "nope" }),
    401,
    "Invalid email or password",
  );
});

await step("apiKey.create secret shows the plain token once", async () => {
  const { api_key } = await admin.admin.apiKey.create({ title: "SDK secret", type: "secret" });
  assert.match(api_key.id, /^apk_[0-9A-HJKMNP-TV-Z]{26}$/);
  assert.match(api_key.token, /^sk_[0-9a-f]{64}$/);
  assert.equal(api_key.redacted, `${api_key.token.slice(0, 6)}***${api_key.token.slice(-3)}`);
  assert.equal(api_key.created_by, seed.admin.user_id);
  assert.equal(api_key.deleted_at, null);
  assert.ok(!("sales_channels" in api_key));
  secret = api_key;
});

await step("apiKey.create publishable", async () => {
  const { api_key } = await admin.admin.apiKey.create({ title: "SDK storefront", type: "publishable" });
  assert.match(api_key.token, /^pk_[0-9a-f]{64}$/);
  publishable = api_key;
});

await step("apiKey.create with a bad type is a 400 in zod's words", async () => {
  await rejects(
    admin.admin.apiKey.create({ title: "x", type: "foo" }),
    400,
    "Invalid request: Expected: 'publishable, secret' for field 'type', but got: 'foo'",
  );
});

await step("apiKey.list filters, orders and selects fields", async () => {
  const page = await admin.admin.apiKey.list({
    type: "secret",
    order: "-created_at",
    limit: 50,
    offset: 0,
    fields: "+deleted_at",
  });
  assert.equal(page.limit, 50);
  assert.equal(page.offset, 0);
  assert.equal(page.count, page.api_keys.length);
  assert.ok(page.api_keys.every((k) => k.type === "secret" && k.token === ""));
  assert.equal(page.api_keys[0].id, secret.id); // newest first
  assert.deepEqual(Object.keys(page.api_keys[0]), [
    "id", "title", "token", "redacted", "type", "last_used_at", "updated_at", "created_at",
    "created_by", "revoked_at", "revoked_by", "deleted_at", "sales_channels",
  ]);
  const search = await admin.admin.apiKey.list({ q: "SDK", fields: "title" });
  assert.deepEqual(
    search.api_keys.map((k) => k.title).sort(),
    ["SDK secret", "SDK storefront"],
  );
});

await step("apiKey.retrieve hides the secret token", async () => {
  const { api_key } = await admin.admin.apiKey.retrieve(secret.id);
  assert.equal(api_key.token, "");
  assert.equal(api_key.redacted, secret.redacted);
  assert.deepEqual(api_key.sales_channels, []);
});

await step("apiKey.update renames", async () => {
  const { api_key } = await admin.admin.apiKey.update(secret.id, { title: "SDK secret (renamed)" });
  assert.equal(api_key.title, "SDK secret (renamed)");
  assert.equal(api_key.token, "");
});

await step("salesChannel.list finds the default channel", async () => {
  const { sales_channels } = await admin.admin.salesChannel.list({ name: ["Default Sales Channel"] });
  assert.equal(sales_channels.length, 1);
  channelId = sales_channels[0].id;
});

await step("apiKey.batchSalesChannels links a publishable key", async () => {
  const { api_key } = await admin.admin.apiKey.batchSalesChannels(publishable.id, { add: [channelId] });
  assert.deepEqual(api_key.sales_channels, [{ id: channelId, name: "Default Sales Channel" }]);
  await rejects(
    admin.admin.apiKey.batchSalesChannels(secret.id, { add: [channelId] }),
    400,
    "Sales channels can only be associated with publishable API keys",
  );
});

const bySecret = new Medusa({ baseUrl, logger: quiet, apiKey: secret.token });
const storefront = new Medusa({ baseUrl, logger: quiet, publishableKey: publishable.token });

await step("a client with the secret key (HTTP Basic) can call admin routes", async () => {
  const { api_key } = await bySecret.admin.apiKey.retrieve(publishable.id);
  assert.equal(api_key.id, publishable.id);
  const { api_key: made } = await bySecret.admin.apiKey.create({ title: "made by sk", type: "publishable" });
  assert.equal(made.created_by, secret.id);
});

await step("a client with the publishable key lists its channel's products", async () => {
  // The store answers no status by default (2.21.2 neither); asked for, it is always published.
  const { products, count } = await storefront.store.product.list({ limit: 10, fields: "+status" });
  assert.ok(products.length > 0);
  assert.equal(count, products.length);
  assert.ok(products.every((p) => /^prod_/.test(p.id) && p.status === "published"));
  const plain = await storefront.store.product.list({ limit: 1 });
  assert.equal(plain.products[0].status, undefined);
  const { product } = await storefront.store.product.retrieve(products[0].id);
  assert.equal(product.id, products[0].id);
});

await step("apiKey.delete refuses a key that is not revoked", async () => {
  await rejects(
    admin.admin.apiKey.delete(secret.id),
    400,
    `Cannot delete api keys that are not revoked - ${secret.id}`,
  );
});

await step("apiKey.revoke (no body) revokes right away", async () => {
  const { api_key } = await admin.admin.apiKey.revoke(secret.id);
  assert.ok(api_key.revoked_at);
  assert.equal(api_key.revoked_by, seed.admin.user_id);
  const { api_key: pk } = await admin.admin.apiKey.revoke(publishable.id);
  assert.ok(pk.revoked_at);
});

await step("a revoked secret key no longer authenticates", async () => {
  await rejects(bySecret.admin.apiKey.list(), 401, "Unauthorized");
});

await step("a revoked publishable key no longer opens the store", async () => {
  await rejects(
    storefront.store.product.list(),
    400,
    "A valid publishable key is required to proceed with the request",
  );
});

await step("revoking a revoked secret key again is a 400", async () => {
  await rejects(
    admin.admin.apiKey.revoke(secret.id),
    400,
    "There are 1 secret keys that are already revoked.",
  );
});

await step("apiKey.delete removes a revoked key for good", async () => {
  const deleted = await admin.admin.apiKey.delete(secret.id);
  assert.deepEqual(deleted, { id: secret.id, object: "api_key", deleted: true });
  await rejects(
    admin.admin.apiKey.retrieve(secret.id),
    404,
    `API Key with id: ${secret.id} was not found`,
  );
});

console.log(`# ${checks} checks passed`);
