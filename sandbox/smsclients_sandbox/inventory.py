"""Flowroute's purchasable-number inventory, generated from the seed.

The same seed always gives the same area codes, exchanges, numbers and prices, so searches and
purchases are reproducible. A few numbers from the seed documents (S001) are always present so
the documented examples work verbatim. The inventory itself is never stored: what is available
is "generated minus what the account owns", which keeps the SQLite file small.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class InventoryNumber:
    """One purchasable number (``value`` is the 11-digit E.164 number without ``+``)."""

    value: str
    rate_center: str
    state: str
    number_type: str
    setup_cost: float
    monthly_cost: float

    @property
    def area_code(self) -> str:
        return self.value[1:4]

    @property
    def exchange(self) -> str:
        return self.value[1:7]


# Area code -> (state, rate centers). Real NANP area codes; rate-center names in Flowroute's
# lowercase abbreviated style.
AREAS: dict[str, tuple[str, tuple[str, ...]]] = {
    "201": ("nj", ("oradell", "jerseycity", "hackensack")),
    "206": ("wa", ("seattle", "bellevue")),
    "212": ("ny", ("nwyrcyzn01",)),
    "303": ("co", ("denver",)),
    "312": ("il", ("chicagozn1", "chicagozn2")),
    "347": ("ny", ("nwyrcyzn03", "nwyrcyzn05")),
    "415": ("ca", ("snfcca01",)),
    "512": ("tx", ("austin",)),
    "646": ("ny", ("nwyrcyzn01",)),
    "650": ("ca", ("millbrae", "redwoodcy")),
}
SETUP_COSTS = (1, 1, 1, 0.5, 2.5, 3.99)
MONTHLY_COST = 1.25

# From S001's search and purchase examples.
DOCUMENTED = (
    InventoryNumber("16463439507", "nwyrcyzn01", "ny", "standard", 1, 1.25),
    InventoryNumber("16463439617", "nwyrcyzn01", "ny", "standard", 1, 1.25),
    InventoryNumber("16463439667", "nwyrcyzn01", "ny", "standard", 3.99, 1.25),
    InventoryNumber("16502390214", "millbrae", "ca", "standard", 1, 1.25),
)


def generate(seed: int) -> tuple[InventoryNumber, ...]:
    """All purchasable numbers for ``seed``, sorted by number (roughly 350 of them)."""
    rng = random.Random(f"flowroute-inventory:{seed}")
    numbers = {n.value: n for n in DOCUMENTED}
    for npa, (state, centers) in AREAS.items():
        for nxx in sorted(rng.sample(range(200, 1000), rng.randint(3, 5))):
            center = rng.choice(centers)
            for line in rng.sample(range(10000), rng.randint(6, 12)):
                value = f"1{npa}{nxx:03d}{line:04d}"
                numbers.setdefault(
                    value,
                    InventoryNumber(value, center, state, "standard", rng.choice(SETUP_COSTS), MONTHLY_COST),
                )
    return tuple(numbers[k] for k in sorted(numbers))
