"""The per-application keys API (seed 004): bearer-JWT management, ``X-API-Key`` use."""

from ...engine import FamilyDefinition
from .exceptions import AppKeysErrors
from .models import APPLICATIONS, INDEXES, KEYS, USERS, AppKeysBackend, Application, ApplicationKey, User
from .responses import HANDLERS, authenticate, banner_lines, docs_credentials, issue_token, revoke_keys

FAMILY = FamilyDefinition(
    name="app-keys",
    errors=AppKeysErrors(),
    handlers=HANDLERS,
    create_backend=AppKeysBackend,
    authenticate=authenticate,
    seed=lambda backend, ctx: backend.seed(ctx),
    indexes=INDEXES,
    record_types={USERS: User, APPLICATIONS: Application, KEYS: ApplicationKey},
    issue_token=issue_token,
    revoke_keys=revoke_keys,
    banner=banner_lines,
    key_overview=AppKeysBackend.key_overview,
    docs_credentials=docs_credentials,
)
