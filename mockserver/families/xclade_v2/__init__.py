"""xclade / Medusa v2 (2.21.2): admin auth, secret and publishable API keys, sales channels, store."""

from ...engine import FamilyDefinition
from .exceptions import XcladeErrors
from .frontend import FRONTEND_HANDLERS, unrouted
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
from .responses import HANDLERS, authenticate, issue_token

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
    # Express parses a request without a body as {} (the SDK's revoke sends none).
    missing_body={},
    issue_token=issue_token,
    trailing_slash_matches=True,  # Express's non-strict routing
    unrouted=unrouted,
)
