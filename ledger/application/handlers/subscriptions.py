"""Subscriptions: an organisation's tokens ask for events to be pushed to a URL (DESIGN §9)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from uuid import UUID, uuid4

from ledger.application.commands import Actor, Idempotency, Outcome, Ref, Subscribe
from ledger.application.core import LedgerCore, UnitOfWork
from ledger.application.representations import iso
from ledger.application.sealing import fingerprint, seal, sealing_key, unseal
from ledger.application.visibility import event_kinds, is_ledger_admin
from ledger.domain.errors import SubscriptionNotFound
from ledger.domain.subscription import (
    Subscription,
    SubscriptionIndex,
    check_kinds,
    check_secret,
    check_url,
    secret_hint,
)


def subscription_json(subscription: Subscription) -> dict[str, Any]:
    """A subscription as its owner sees it: never its secret, only a hint of it."""
    return {
        "id": str(subscription.id),
        "organisation_id": str(subscription.owner_id),
        "url": subscription.url,
        "kinds": list(subscription.kinds),
        "secret_hint": subscription.secret_hint,
        "reader_role": subscription.reader_role,
        "reader_token_id": subscription.reader_token_id,
        "cancelled": subscription.cancelled,
        "recorded_at": iso(subscription.created_on),
    }


class SubscriptionCommands(LedgerCore):
    """Any token subscribes for its organisation; deliveries read as that token."""

    def subscribe(
        self,
        actor: Actor,
        cmd: Subscribe,
        idempotency: Idempotency | None = None,
        uow: UnitOfWork | None = None,
    ) -> Outcome:
        """Subscribe the actor's organisation to events of some kinds, delivered to a URL."""
        key = self.secrets_key()
        # The request's digest (kept in the log) is taken over a keyed fingerprint of the
        # secret, never the secret: nobody reading the log can test guesses against it.
        remembered = replace(cmd, secret=fingerprint(cmd.secret, key))

        def action(uow: UnitOfWork, request_digest: str) -> Outcome:
            url = check_url(cmd.url.strip(), self.settings.subscription_targets)
            kinds = check_kinds(cmd.kinds, event_kinds())
            secret = check_secret(cmd.secret)
            subscription_id = uuid4()
            subscription = Subscription.subscribe(
                subscription_id,
                owner_id=actor.organisation_id,
                url=url,
                kinds=kinds,
                sealed_secret=seal(secret, key, subscription_id.bytes),
                secret_hint=secret_hint(secret),
                reader_role=actor.role,
                reader_token_id=actor.token_id,
                request_digest=request_digest,
                **self.acted(actor),
            )
            uow.add(subscription)
            self.subscription_index(uow).list(subscription_id)
            return Outcome(Ref("subscription", str(subscription_id), 1))

        return self.command("subscribe", None, remembered, idempotency, uow, action)

    def cancel_subscription(
        self,
        actor: Actor,
        subscription_id: UUID,
        idempotency: Idempotency | None = None,
        uow: UnitOfWork | None = None,
    ) -> Outcome:
        """Stop a subscription's deliveries for good (its owner or the ledger's admins)."""

        def action(uow: UnitOfWork, _: str) -> Outcome:
            subscription = self.managed_subscription(uow, actor, subscription_id)
            cancelled = subscription.cancel(**self.acted(actor))
            ref = Ref("subscription", str(subscription_id), subscription.version)
            return Outcome(ref, 204, duplicate=not cancelled)

        return self.command("unsubscribe", subscription_id, {}, idempotency, uow, action)

    # -- reads -----------------------------------------------------------------------------

    def subscription_json(self, actor: Actor, subscription_id: UUID) -> dict[str, Any]:
        """One subscription, for its organisation or the ledger's admins."""
        found = self.managed_subscription(UnitOfWork(self), actor, subscription_id)
        return subscription_json(found)

    def subscriptions_json(self, actor: Actor) -> list[dict[str, Any]]:
        """The subscriptions of the actor's organisation (all of them for the ledger's admins)."""
        admin = is_ledger_admin(actor)
        return [
            subscription_json(s)
            for s in self.all_subscriptions()
            if admin or s.owner_id == actor.organisation_id
        ]

    def all_subscriptions(self) -> list[Subscription]:
        """Every subscription, cancelled ones included, in the order they were made."""
        uow = UnitOfWork(self)
        index = uow.get(SubscriptionIndex.create_id(), SubscriptionIndex)
        found = [uow.get(i, Subscription) for i in (index.ids if index else [])]
        return [s for s in found if s is not None]

    def subscription_secret(self, subscription: Subscription) -> str:
        """The secret deliveries are signed with (``SecretUnreadable`` if the key changed)."""
        return unseal(subscription.sealed_secret, self.secrets_key(), subscription.id.bytes)

    # -- helpers ---------------------------------------------------------------------------

    def secrets_key(self) -> bytes:
        return sealing_key(self.settings.signing_key())

    def managed_subscription(
        self, uow: UnitOfWork, actor: Actor, subscription_id: UUID
    ) -> Subscription:
        subscription = uow.get(subscription_id, Subscription)
        if subscription is None:
            raise SubscriptionNotFound(f"No subscription {subscription_id}.")
        subscription.check_manager(actor.organisation_id, is_ledger_admin(actor))
        return subscription

    def subscription_index(self, uow: UnitOfWork) -> SubscriptionIndex:
        index = uow.get(SubscriptionIndex.create_id(), SubscriptionIndex)
        if index is None:
            index = SubscriptionIndex.open()
            uow.add(index)
        return index
