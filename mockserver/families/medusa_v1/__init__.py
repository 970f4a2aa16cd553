"""Medusa 1.20 (seeds 000, 003): publishable API keys, admin auth, sales channels, store scoping."""

from ...engine import FamilyDefinition
from ...node.body_parser import JSON_LIMIT_BYTES
from ...node.http_server import MAX_HEADER_BYTES
from .exceptions import MedusaV1Errors
from .frontend import FRONTEND_HANDLERS, FRONTEND_INDEXES, FRONTEND_RECORDS
from .models import (
    CARTS,
    CHANNELS,
    INDEXES,
    KEY_LINKS,
    KEYS,
    PRODUCTS,
    SESSIONS,
    STORE,
    USERS,
    Cart,
    KeyChannelLink,
    MedusaV1Backend,
    Product,
    PublishableApiKey,
    SalesChannel,
    Session,
    StoreSettings,
    User,
)
from .responses import (
    HANDLERS,
    authenticate,
    banner_lines,
    docs_credentials,
    issue_token,
    revoke_keys,
    unrouted,
)
from .validators import operation_rules

FAMILY = FamilyDefinition(
    name="medusa-v1",
    errors=MedusaV1Errors(),
    handlers={**HANDLERS, **FRONTEND_HANDLERS},
    create_backend=MedusaV1Backend,
    authenticate=authenticate,
    seed=lambda backend, ctx: backend.seed(ctx),
    indexes={**INDEXES, **FRONTEND_INDEXES},
    record_types={
        USERS: User,
        SESSIONS: Session,
        STORE: StoreSettings,
        CHANNELS: SalesChannel,
        KEYS: PublishableApiKey,
        KEY_LINKS: KeyChannelLink,
        PRODUCTS: Product,
        CARTS: Cart,
        **FRONTEND_RECORDS,
    },
    secret_fields={USERS: ("api_token",), SESSIONS: ("id",)},
    missing_body={},  # bodyParser.json() leaves req.body as {} when nothing (or no JSON) was sent
    max_body_bytes=JSON_LIMIT_BYTES,
    max_header_bytes=MAX_HEADER_BYTES,
    issue_token=issue_token,
    rules=operation_rules,
    unrouted=unrouted,
    revoke_keys=revoke_keys,
    banner=banner_lines,
    key_overview=MedusaV1Backend.key_overview,
    docs_credentials=docs_credentials,
    trailing_slash_matches=True,  # Express's non-strict routing
)
