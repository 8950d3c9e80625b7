"""Telling two tips of one sender apart from two senders, without knowing who either is.

Anti-fraud lists a number only after reports from several people ("one citizen report never
lists a number by itself"): two tips of one citizen must count once. What tips already hold
that tells senders apart:

- the contact they chose to leave (a phone number, an e-mail);
- for web tips, the browser's random device cookie (`toandan.core.ratelimit`, 90 days): people
  at a meeting on one Wi-Fi are told apart by their browsers;
- for tips by the JSON API and Open311, which carry no cookie, the client's address key of
  the day (`ratelimit.client_key`: an HMAC of the address, or of the IPv6 /64, under a secret
  that changes every day and is gone after two). One client is one address for the day: a
  script posting the same number over and over is one sender, and so is everyone behind one
  NAT that day (too few senders only delays "being verified"; too many would list a number on
  one person's word). The next day the same address is a new sender: a longer memory would
  keep, in every tip, a key that leads back to the address as long as its secret lives.
  Every API tip carries it, with a contact or without: nobody checks a contact, and a script
  could make up a new one per tip.

At intake each becomes a keyed hash (BLAKE2b under a key derived from the keyring's pepper,
which lives outside the database) and is sealed inside the tip's encrypted content under
`_senders`: the database never holds a value that links two tips, and `selectors._content`
drops the underscored keys, so no page, API or export shows them.

Only `reporter_keys` reads them, for the anti-fraud interface, and hashes them once more for
that purpose; antifraud hashes them again per identifier, so its rows cannot link a sender's
reports about different numbers either. A tip with none (a phone call without contact) has no
sender key: antifraud counts it as one reporter and says so.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from toandan.tips import crypto

SENDERS_FIELD = "_senders"


def _key() -> bytes:
    pepper = crypto.keyring().receipt_pepper
    return hmac.new(pepper, b"toandan.tips.senders.v1", hashlib.sha256).digest()


def sender_keys(contact: dict[str, str], device: str = "", client: str = "") -> list[str]:
    """Keyed hashes of what tells this sender apart: the normalised contact phone and e-mail
    (as `services._check_contact` leaves them), the device cookie, the client's address key
    of the day."""
    material = []
    if contact.get("phone"):
        material.append(f"phone:{contact['phone']}")
    if contact.get("email"):
        material.append(f"email:{contact['email'].lower()}")
    if device:
        material.append(f"device:{device}")
    if client:
        material.append(f"client:{client}")
    key = _key()
    return [hashlib.blake2b(m.encode(), key=key, digest_size=16).hexdigest() for m in material]


def sealed_senders(
    contact: dict[str, str], device: str = "", client: str = ""
) -> dict[str, list[str]]:
    """What `tip_receive` adds to the content it seals: the sender keys, if any."""
    keys = sender_keys(contact, device, client)
    return {SENDERS_FIELD: keys} if keys else {}


def reporter_keys(tip: Any, purpose: str) -> tuple[str, ...]:
    """The sender keys of `tip` re-keyed for `purpose` (e.g. "antifraud"): equal for two tips
    of one sender, unrelated to the keys of any other purpose. Empty when the tip has none."""
    from toandan.tips.selectors import tip_data_key

    content = crypto.open_json(tip_data_key(tip), tip.content, crypto.aad(tip.reference, "content"))
    stored = content.get(SENDERS_FIELD, []) if isinstance(content, dict) else []
    return tuple(
        hmac.new(bytes.fromhex(str(value)), purpose.encode(), hashlib.sha256).hexdigest()
        for value in stored
    )
