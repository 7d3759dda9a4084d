"""One error tree for everything a user can get wrong.

Each subclass is one failure a user can cause, with a stable ``code`` that API clients and import
result files rely on, and a ``kind`` that the API maps to an HTTP status in exactly one place.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, ClassVar


class ErrorKind(Enum):
    """What sort of failure an error is; the API maps each kind to one status."""

    INVALID = "invalid"  # malformed or out-of-range input (422)
    UNKNOWN_REFERENCE = "unknown_reference"  # a body refers to something that does not exist (422)
    NOT_FOUND = "not_found"  # the resource in the path does not exist (404)
    CONFLICT = "conflict"  # well-formed input that breaks a rule of the ledger's state (409)
    FORBIDDEN = "forbidden"  # role or organisation not allowed (403)
    UNAUTHENTICATED = "unauthenticated"  # no or bad token (401)
    TOO_MANY = "too_many"  # too many failed attempts from one address (429)
    TOO_LARGE = "too_large"  # a request body over the ledger's limits (413)


class LedgerError(Exception):
    """Root of every error a user of the ledger can cause."""

    code: ClassVar[str] = "ledger_error"
    kind: ClassVar[ErrorKind] = ErrorKind.INVALID

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


# -- invalid input ---------------------------------------------------------------------------


class InvalidInput(LedgerError):
    """A value is malformed or outside what the ledger accepts."""

    code = "invalid_input"


class InvalidMass(InvalidInput):
    """A mass is not positive, exceeds 40 t, or has more than 3 decimals of a kilogram."""

    code = "invalid_mass"


class InvalidTime(InvalidInput):
    """A time has no timezone or lies more than 5 minutes in the future."""

    code = "invalid_time"


class InvalidLabelCode(InvalidInput):
    """A label code is not a well-formed code."""

    code = "invalid_label_code"


class InvalidWorkLog(InvalidInput):
    """Hours, worker reference or date of a work log are not acceptable."""

    code = "invalid_work_log"


class InvalidText(InvalidInput):
    """A text is empty where required, too long, or holds a control or invisible character."""

    code = "invalid_text"


class InvalidSiret(InvalidInput):
    """A SIRET is not 14 digits or fails its check digit (Luhn)."""

    code = "invalid_siret"


class EpcisDocumentInvalid(InvalidInput):
    """A captured EPCIS document is not JSON, or not an EPCIS 2.0 document with an event list."""

    code = "epcis_document_invalid"


class EpcisEventInvalid(InvalidInput):
    """A captured EPCIS event does not validate against GS1's EPCIS 2.0 JSON Schema."""

    code = "epcis_event_invalid"


class EpcisEventNotMapped(InvalidInput):
    """A captured EPCIS event has no ledger command: its type, action or business step."""

    code = "epcis_event_not_mapped"


class EpcisIdentifierNotMapped(InvalidInput):
    """A captured EPCIS event names a batch, site or material by an identifier the ledger lacks."""

    code = "epcis_identifier_not_mapped"


class EpcisQueryInvalid(InvalidInput):
    """An EPCIS query parameter (or page token) is malformed."""

    code = "epcis_query_invalid"


class InvalidTransport(InvalidInput):
    """A transport contradicts itself: a direct transfer with a carrier, a receipt both numbered
    and exempted, an unknown mode, a carrier named twice, or a carrier where nothing travels."""

    code = "invalid_transport"


class InvalidPeriod(InvalidInput):
    """A period or date range cannot be understood."""

    code = "invalid_period"


class InvalidSubscription(InvalidInput):
    """A subscription's URL, kinds or secret are not acceptable."""

    code = "invalid_subscription"


class SubscriptionTargetRefused(InvalidInput):
    """A subscription's URL points to an address this ledger does not deliver to."""

    code = "subscription_target_refused"


# -- unknown references in a body ------------------------------------------------------------


class UnknownReference(LedgerError):
    """A body refers to something the ledger does not know."""

    code = "unknown_reference"
    kind = ErrorKind.UNKNOWN_REFERENCE


class UnknownMaterial(UnknownReference):
    """The material code is not in the catalogue."""

    code = "unknown_material"


class UnknownSite(UnknownReference):
    """The site id is not registered."""

    code = "unknown_site"


class UnknownOrganisation(UnknownReference):
    """The organisation id is not registered."""

    code = "unknown_organisation"


class UnknownBatch(UnknownReference):
    """A batch named in the body does not exist."""

    code = "unknown_batch"


# -- not found (path) ------------------------------------------------------------------------


class NotFound(LedgerError):
    """The resource named in the path does not exist."""

    code = "not_found"
    kind = ErrorKind.NOT_FOUND


class MaterialNotFound(NotFound):
    """No material of the catalogue has this code."""

    code = "material_not_found"


class LabelBlockNotFound(NotFound):
    """No block of label codes has this id."""

    code = "label_block_not_found"


class BatchNotFound(NotFound):
    """No batch has this id."""

    code = "batch_not_found"


class LabelNotFound(NotFound):
    """No label with this code was allocated or bound."""

    code = "label_not_found"


class WorkLogNotFound(NotFound):
    """No work log has this id."""

    code = "work_log_not_found"


class TransformationNotFound(NotFound):
    """No transformation has this id."""

    code = "transformation_not_found"


class OrganisationNotFound(NotFound):
    """No organisation has this id."""

    code = "organisation_not_found"


class TokenNotFound(NotFound):
    """No token has this id."""

    code = "token_not_found"


class CaptureJobNotFound(NotFound):
    """No EPCIS capture job has that id (for the caller's organisation)."""

    code = "capture_job_not_found"


class SiteNotFound(NotFound):
    """No site has this id."""

    code = "site_not_found"


class SubscriptionNotFound(NotFound):
    """No subscription has this id (or it belongs to another organisation)."""

    code = "subscription_not_found"


# -- conflicts with the ledger's state -------------------------------------------------------


class Conflict(LedgerError):
    """Well-formed input that the ledger's current state does not allow."""

    code = "conflict"
    kind = ErrorKind.CONFLICT


class BatchNotHeld(Conflict):
    """Only a batch held at a site can be dispatched, transformed or valorised."""

    code = "batch_not_held"


class BatchNotInTransit(Conflict):
    """Only a batch in transit can be received, or its receipt refused."""

    code = "batch_not_in_transit"


class WrongDestination(Conflict):
    """A batch in transit can only be received at its destination."""

    code = "wrong_destination"


class BatchClosed(Conflict):
    """A consumed or valorised batch takes no further movement, only corrections."""

    code = "batch_closed"


class SameSite(Conflict):
    """A batch cannot be dispatched to the site it is already at."""

    code = "same_site"


class InputNotAtSite(Conflict):
    """Transformation inputs must be held at the transformation's site."""

    code = "input_not_at_site"


class DuplicateInput(Conflict):
    """A transformation lists the same input batch twice, or the same output id twice."""

    code = "duplicate_input"


class MassBalanceViolation(Conflict):
    """Inputs differ from outputs plus declared loss by more than 2 % of the inputs."""

    code = "mass_balance_violation"


class MaterialNotValorisable(Conflict):
    """A material without a route must be transformed before it can be valorised."""

    code = "material_not_valorisable"


class RouteMismatch(Conflict):
    """The valorisation route differs from the route of the batch's material."""

    code = "route_mismatch"


class LabelAlreadyBound(Conflict):
    """A label code binds to at most one batch, ever."""

    code = "label_already_bound"


class LabelAlreadyAllocated(Conflict):
    """A label code is allocated once: a block of given codes takes only free ones."""

    code = "label_already_allocated"


class BatchAlreadyLabelled(Conflict):
    """This batch already carries a label."""

    code = "batch_already_labelled"


class OutOfOrder(Conflict):
    """An event may not occur before the batch's previous event."""

    code = "out_of_order"


class NothingToCorrect(Conflict):
    """A correction must name an existing event of the batch and change something in it."""

    code = "nothing_to_correct"


class ConcurrentChange(Conflict):
    """Someone else changed the same thing at the same moment; reload and try again."""

    code = "concurrent_change"


class IdempotencyKeyReused(Conflict):
    """The idempotency key was already used with a different request."""

    code = "idempotency_key_reused"


class IdAlreadyUsed(Conflict):
    """A client-chosen id was already used for different content."""

    code = "id_already_used"


class TokenAlreadyIssued(Conflict):
    """A token is shown only once; a repeated request cannot show it again."""

    code = "token_already_issued"


class FiliereNotAccepted(Conflict):
    """The destination site does not take batches of this filière (a flax mill, textiles)."""

    code = "filiere_not_accepted"


class MaterialAlreadyDefined(Conflict):
    """A material code already exists in the catalogue with other properties."""

    code = "material_already_defined"


class MaterialInUse(Conflict):
    """A material already used by batches keeps its route, filière and heating values."""

    code = "material_in_use"


# -- who may do what -------------------------------------------------------------------------


class Forbidden(LedgerError):
    """The caller's role or organisation is not allowed to do this."""

    code = "forbidden"
    kind = ErrorKind.FORBIDDEN


class RoleNotAllowed(Forbidden):
    """The caller's role does not allow this command."""

    code = "role_not_allowed"


class OrganisationNotAllowed(Forbidden):
    """The caller's organisation does not hold this batch or site."""

    code = "organisation_not_allowed"


class Unauthenticated(LedgerError):
    """No token, or a token the ledger does not know."""

    code = "unauthenticated"
    kind = ErrorKind.UNAUTHENTICATED


class TooManyAttempts(LedgerError):
    """Too many failed logins or token checks from one address: wait before trying again."""

    code = "too_many_attempts"
    kind = ErrorKind.TOO_MANY


# -- too large -------------------------------------------------------------------------------


class PayloadTooLarge(LedgerError):
    """A request body exceeds the ledger's size or count limits."""

    code = "payload_too_large"
    kind = ErrorKind.TOO_LARGE


# -- the territory's accounts ----------------------------------------------------------------


class UnknownCategory(InvalidInput):
    """A category is not an EW-MFA code (MF1 to MF6, or one of their sub-codes)."""

    code = "unknown_category"


class UnknownDirection(InvalidInput):
    """A declared flow's direction is not one of the EW-MFA directions."""

    code = "unknown_direction"


class InvalidFlowQuantity(InvalidInput):
    """A declared flow's mass or energy is negative, too large or too precise."""

    code = "invalid_flow_quantity"


class InvalidTerritory(InvalidInput):
    """A territory's code, communes, population, GDP or traced categories are not acceptable."""

    code = "invalid_territory"


class NotWithinParent(InvalidInput):
    """A territory's communes are not all communes of its parent."""

    code = "not_within_parent"


class YearOutsideTerritoryData(InvalidInput):
    """A year for which the territory has no population."""

    code = "year_outside_territory_data"


class UnknownTerritory(UnknownReference):
    """A body names a territory (parent, partner) that the ledger does not know."""

    code = "unknown_territory"


class TerritoryNotFound(NotFound):
    """No territory has this code."""

    code = "territory_not_found"


class DeclaredFlowNotFound(NotFound):
    """No declared flow of this territory has this id."""

    code = "declared_flow_not_found"


class StaleFlowVersion(Conflict):
    """A correction names a version of the declared flow that is not its current one."""

    code = "stale_flow_version"


class NoPotential(InvalidInput):
    """No potential per inhabitant is known for this filière."""

    code = "no_potential"
