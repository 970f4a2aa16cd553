"""The products a Medusa suite makes for its store checks, and how it judges a store listing.

Both Medusa families create products with ``POST /admin/products`` and delete them with ``DELETE
/admin/products/{id}``; their bodies differ (v2 needs an option), so each suite says what to send
and this module does the rest the same way for both.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .http import Client
from .scenarios import ScenarioContext
from .suite import SetupFailed

ADMIN_PRODUCTS = "/admin/products"
#: In every description the run gives a product; q for it finds all of the run's products.
DESCRIPTION = "made by revokit check"


def product_word(seed: int) -> str:
    """A word in every title the run gives a product, fixed by the seed: q finds the run's own."""
    rng = random.Random(f"{seed}:products")
    return "".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(8))


def product_title(seed: int, role: str) -> str:
    return f"revokit check {product_word(seed)} {role}"


def make_products(
    client: Client, admin: Mapping[str, str], bodies: Mapping[str, Mapping[str, Any]]
) -> dict[str, str] | None:
    """Create one product per role (``bodies``: role -> request body); role -> id.

    ``None`` when the backend refuses the first one (it has no product routes, or refuses them to
    this credential), so the suite can fall back; a refusal after that is a failed setup.
    """
    made: dict[str, str] = {}
    for role, body in bodies.items():
        answer = client.post(ADMIN_PRODUCTS, json_body=dict(body), headers=admin)
        product = answer.json.get("product") if isinstance(answer.json, dict) else None
        if answer.status != 200 or not isinstance(product, dict) or not isinstance(product.get("id"), str):
            if not made:
                return None
            raise SetupFailed(
                "creating the run's products did not answer 200 with the product", answer, "200"
            )
        made[role] = product["id"]
    return made


def made_products(ctx: ScenarioContext) -> dict[str, str]:
    """The run's own products (role -> id); the scenario skips when the backend refused to make them."""
    made = ctx.state.get("made_products")
    if not made:
        ctx.skip("needs the run's own products, and the backend refused POST /admin/products")
    return made


def product_deleted(product_id: str) -> dict[str, Any]:
    """``DELETE /admin/products/{id}``'s confirmation, the same in both Medusa families."""
    return {"id": product_id, "object": "product", "deleted": True}


def delete_products(client: Client, admin: Mapping[str, str], product_ids: Sequence[str]) -> int:
    """Delete each product; the number of deletes not answered 200."""
    return sum(
        client.delete(f"{ADMIN_PRODUCTS}/{product_id}", headers=admin).status != 200
        for product_id in dict.fromkeys(product_ids)
    )


def listing_problem(inside: Sequence[str], outside: Sequence[str]) -> Callable[[Any], str | None]:
    """A shape check: the body's ``products`` hold every id of ``inside`` and none of ``outside``."""

    def problem(body: Any) -> str | None:
        products = body.get("products") if isinstance(body, dict) else None
        if not isinstance(products, list):
            return "the body has no `products` array"
        ids = {p.get("id") for p in products if isinstance(p, dict)}
        missing = [p for p in inside if p not in ids]
        if missing:
            return f"products that should be listed are missing: {', '.join(missing)}"
        leaked = [p for p in outside if p in ids]
        if leaked:
            return f"products that must not be listed are: {', '.join(leaked)}"
        return None

    return problem


def listing_text(inside: Sequence[str], outside: Sequence[str]) -> str:
    return f"products including {list(inside)} and none of {list(outside)}"
