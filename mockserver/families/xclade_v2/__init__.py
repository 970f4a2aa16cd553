"""xclade / Medusa v2 (2.21.2): admin auth, secret and publishable API keys, sales channels, store."""

from ...engine import FamilyDefinition
from ...node.body_parser import JSON_LIMIT_BYTES
from ...node.http_server import MAX_HEADER_BYTES
from .exceptions import XcladeErrors
from .frontend import FRONTEND_HANDLERS
from .models import (
    API_KEYS,
    INDEXES,
    PRODUCTS,
    SALES_CHANNELS,
    SESSIONS,
    USERS,
    ApiKey,
    Product,
    SalesChannel,
    Session,
    User,
    XcladeBackend,
)
from .responses import (
    HANDLERS,
    authenticate,
    banner_lines,
    docs_credentials,
    issue_token,
    operation_rules,
    revoke_keys,
    unrouted,
)

FAMILY = FamilyDefinition(
    name="xclade-v2",
    errors=XcladeErrors(),
    handlers={**HANDLERS, **FRONTEND_HANDLERS},
    create_backend=XcladeBackend,
    authenticate=authenticate,
    seed=lambda backend, ctx: backend.seed(ctx),
    indexes=INDEXES,
    record_types={
        USERS: User,
        SESSIONS: Session,
        SALES_CHANNELS: SalesChannel,
        PRODUCTS: Product,
        API_KEYS: ApiKey,
    },
    secret_fields={SESSIONS: ("id",)},  # secret keys are stored hashed already
    # Express parses a request without a body as {} (the SDK's revoke sends none).
    missing_body={},
    max_body_bytes=JSON_LIMIT_BYTES,
    max_header_bytes=MAX_HEADER_BYTES,
    issue_token=issue_token,
    rules=operation_rules,
    unrouted=unrouted,
    revoke_keys=revoke_keys,
    banner=banner_lines,
    key_overview=XcladeBackend.key_overview,
    docs_credentials=docs_credentials,
    trailing_slash_matches=True,  # Express's non-strict routing
)
