"""API for tip-offs, rewards and exposed cases: the office's side (signed in, scoped) and the
public side under /api/portal (no account; code and secret in the body; rate-limited)."""

from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from anlan.core.pagination import Pagination
from anlan.core.uploads import check_uploaded_files
from anlan.portal import guard
from anlan.registry.models import Enterprise

from . import exposure, rewards, tipoffs
from .choices import (
    AccidentLevel,
    HazardCategory,
    HazardLevel,
    RewardBasis,
    RewardKind,
    RewardStatus,
    TipOffEventKind,
    TipOffStatus,
)
from .models import ExposureCase, Hazard, Reward, TipOff

tipoff_router = Router(tags=["tip-offs"])
reward_router = Router(tags=["rewards"])
exposure_router = Router(tags=["exposure"])
portal_router = Router(tags=["public portal"], auth=None)


# ---------------------------------------------------------------- schemas


class TipOffOut(Schema):
    """A tip-off as the office sees it. The reporter's identity is never part of it: see
    POST /tipoffs/{id}/identity (tip-off verifier role only, logged)."""

    id: int
    code: str
    region_code: str
    region_name: str
    enterprise_name: str
    address: str
    description: str
    anonymous: bool
    reporter_is_employee: bool
    status: TipOffStatus
    received_at: datetime
    verify_by: date
    verification_overdue: bool
    hazard_id: int | None
    public_reply: str

    @staticmethod
    def resolve_region_code(obj):
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj):
        return obj.region.full_name

    @staticmethod
    def resolve_verification_overdue(obj):
        return obj.is_verification_overdue


class TipOffFilterIn(Schema):
    status: TipOffStatus | None = None
    overdue: bool = Field(False, description="Only those past their verification deadline")


class SubstantiateIn(Schema):
    enterprise: int | None = Field(None, description="Enterprise id, if the hazard is in one")
    place_name: str = Field("", max_length=200)
    category: HazardCategory
    level: HazardLevel = HazardLevel.GENERAL
    reply: str = Field("", max_length=2000, description="Shown to the reporter")


class LinkIn(Schema):
    hazard: int = Field(..., description="Id of the hazard already on record")
    reply: str = Field("", max_length=2000)


class ReplyIn(Schema):
    reply: str = Field(..., max_length=2000)


class RecheckIn(ReplyIn):
    still_present: bool


class PurposeIn(Schema):
    purpose: str = Field(..., min_length=1, max_length=200)


class IdentityOut(Schema):
    name: str = ""
    mobile: str = ""
    contact: str = ""


class RewardProposalIn(Schema):
    basis: RewardBasis
    fine_amount: Decimal | None = Field(None, ge=0, le=Decimal("9999999999"))
    accident_level: AccidentLevel | None = None
    concealed_deaths: int | None = Field(None, ge=1, le=10000)


class RewardComputeIn(RewardProposalIn):
    employee: bool = False


class RewardComputeOut(Schema):
    amount: Decimal
    explanation: str


class RewardOut(Schema):
    id: int
    kind: RewardKind
    tip_off_code: str | None
    hazard_id: int | None
    enterprise_id: int | None
    region_code: str
    basis: RewardBasis
    amount: Decimal
    explanation: str
    employee_uplift: bool
    status: RewardStatus
    proposed_at: datetime
    decided_at: datetime | None
    decision_note: str
    claim_by: date | None
    claimed_at: datetime | None
    paid_at: datetime | None
    payout_reference: str

    @staticmethod
    def resolve_tip_off_code(obj):
        return obj.tip_off.code if obj.tip_off_id else None

    @staticmethod
    def resolve_region_code(obj):
        return obj.region.code


class RewardFilterIn(Schema):
    kind: RewardKind | None = None
    status: RewardStatus | None = None


class TipoffDecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=2000)


class PayoutIn(Schema):
    reference: str = Field(..., min_length=1, max_length=100)


class InternalRewardIn(Schema):
    employee_name: str = Field(..., min_length=1, max_length=50)


class TipoffSchemeIn(Schema):
    general_amount: Decimal = Field(..., ge=0, le=Decimal("99999999"))
    major_amount: Decimal = Field(..., ge=0, le=Decimal("99999999"))


class TipoffSchemeOut(Schema):
    enterprise_id: int
    general_amount: Decimal
    major_amount: Decimal


class ExposureOut(Schema):
    id: int
    hazard_id: int
    title: str
    unit_name: str
    facts: str
    outcome: str
    published_at: datetime
    withdrawn_at: datetime | None


class ExposureIn(Schema):
    hazard: int
    title: str = Field(..., max_length=200)
    facts: str = Field(..., max_length=5000)
    outcome: str = Field("", max_length=5000)


class PublicExposureOut(Schema):
    id: int
    title: str
    unit_name: str
    facts: str
    outcome: str
    published_at: datetime


class TrackIn(Schema):
    code: str = Field(..., max_length=20)
    secret: str = Field(..., max_length=20)


class PublicEventOut(Schema):
    at: datetime
    kind: TipOffEventKind
    label: str
    note: str


class PublicRewardOut(Schema):
    status: RewardStatus
    amount: Decimal | None
    claim_by: date | None


class ProgressOut(Schema):
    code: str
    status: TipOffStatus
    status_label: str
    received_at: datetime
    verify_by: date
    reply: str
    hazard_status: str | None
    hazard_status_label: str
    hazard_deadline: date | None
    events: list[PublicEventOut]
    can_report_not_fixed: bool
    reward: PublicRewardOut | None


class TipOffIn(Schema):
    region: str = Field(..., max_length=12, description="County, township or village code")
    address: str = Field(..., max_length=255)
    description: str = Field(..., max_length=5000)
    enterprise_name: str = Field("", max_length=200)
    anonymous: bool = True
    reporter_is_employee: bool = False
    reporter_name: str = Field("", max_length=50)
    reporter_mobile: str = Field("", max_length=20)
    reporter_contact: str = Field("", max_length=200)


class CreatedOut(Schema):
    code: str
    secret: str = Field(..., description="Shown once; keep it with the code")
    verify_by: date


class NotFixedIn(TrackIn):
    note: str = Field(..., max_length=2000)


class ClaimIn(TrackIn):
    payee_name: str = Field(..., max_length=50)
    payee_mobile: str = Field(..., max_length=20)
    payee_account: str = Field(..., max_length=100)


class RateLimited(Schema):
    detail: str


# ---------------------------------------------------------------- the office: tip-offs


def _tip_off(request, tip_off_id: int) -> TipOff:
    return get_object_or_404(
        TipOff.objects.visible_to(request.user).select_related("region"), pk=tip_off_id
    )


@tipoff_router.get("", response=list[TipOffOut], summary="Tip-offs in your jurisdiction")
@paginate(Pagination)
def list_tipoffs(request, filters: Query[TipOffFilterIn]):
    qs = TipOff.objects.visible_to(request.user).select_related("region")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.overdue:
        qs = qs.verification_overdue()
    return qs


@tipoff_router.get("/{int:tip_off_id}", response=TipOffOut, summary="One tip-off")
def get_tipoff(request, tip_off_id: int):
    return _tip_off(request, tip_off_id)


@tipoff_router.post(
    "/{int:tip_off_id}/identity",
    response=IdentityOut,
    summary="The reporter's identity (tip-off verifier role only; each viewing is logged)",
)
def tipoff_identity(request, tip_off_id: int, payload: PurposeIn):
    return tipoffs.reveal_identity(
        tip_off=_tip_off(request, tip_off_id),
        user=request.user,
        purpose=payload.purpose,
        client_address=guard.client_address(request),
    )


@tipoff_router.post(
    "/{int:tip_off_id}/substantiate",
    response=TipOffOut,
    summary="Substantiated: record and verify the hazard it reveals",
)
def substantiate_tipoff(request, tip_off_id: int, payload: SubstantiateIn):
    tip_off = _tip_off(request, tip_off_id)
    data = payload.dict()
    if data["enterprise"] is not None:
        data["enterprise"] = (
            Enterprise.objects.visible_to(request.user).filter(pk=data["enterprise"]).first()
        )
        if data["enterprise"] is None:
            raise ValidationError({"enterprise": _("No such enterprise in your jurisdiction.")})
    reply = data.pop("reply")
    tipoffs.substantiate(tip_off=tip_off, user=request.user, hazard_data=data, reply=reply)
    return _tip_off(request, tip_off_id)


@tipoff_router.post(
    "/{int:tip_off_id}/link", response=TipOffOut, summary="Substantiated, hazard already on record"
)
def link_tipoff(request, tip_off_id: int, payload: LinkIn):
    hazard = Hazard.objects.visible_to(request.user).filter(pk=payload.hazard).first()
    if hazard is None:
        raise ValidationError({"hazard": _("No such hazard in your jurisdiction.")})
    tipoffs.link_to_hazard(
        tip_off=_tip_off(request, tip_off_id), user=request.user, hazard=hazard, reply=payload.reply
    )
    return _tip_off(request, tip_off_id)


@tipoff_router.post("/{int:tip_off_id}/unfounded", response=TipOffOut, summary="Not substantiated")
def unfounded_tipoff(request, tip_off_id: int, payload: ReplyIn):
    tipoffs.mark_unfounded(
        tip_off=_tip_off(request, tip_off_id), user=request.user, reply=payload.reply
    )
    return _tip_off(request, tip_off_id)


@tipoff_router.post(
    "/{int:tip_off_id}/recheck",
    response=TipOffOut,
    summary="Answer the reporter's “not fixed”: confirmed fixed, or still present (new hazard)",
)
def recheck_tipoff(request, tip_off_id: int, payload: RecheckIn):
    tipoffs.resolve_recheck(
        tip_off=_tip_off(request, tip_off_id),
        user=request.user,
        still_present=payload.still_present,
        reply=payload.reply,
    )
    return _tip_off(request, tip_off_id)


@tipoff_router.post(
    "/{int:tip_off_id}/rewards", response={201: RewardOut}, summary="Propose the tip-off's reward"
)
def propose_reward(request, tip_off_id: int, payload: RewardProposalIn):
    reward = rewards.propose_tip_off_reward(
        tip_off=_tip_off(request, tip_off_id),
        user=request.user,
        basis=payload.basis,
        fine_amount=payload.fine_amount,
        accident_level=payload.accident_level or "",
        deaths=payload.concealed_deaths,
    )
    return Status(201, reward)


# ---------------------------------------------------------------- the office: rewards


def _reward(request, reward_id: int) -> Reward:
    return get_object_or_404(
        Reward.objects.visible_to(request.user).select_related("tip_off", "region"), pk=reward_id
    )


@reward_router.get("", response=list[RewardOut], summary="Rewards in your jurisdiction")
@paginate(Pagination)
def list_rewards(request, filters: Query[RewardFilterIn]):
    qs = Reward.objects.visible_to(request.user).select_related("tip_off", "region")
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs


@reward_router.post(
    "/compute", response=RewardComputeOut, summary="What the rules in force give (no record made)"
)
def compute_reward(request, payload: RewardComputeIn):
    from .models import RewardPolicy

    result = rewards.compute(
        policy=RewardPolicy.current(),
        basis=payload.basis,
        fine_amount=payload.fine_amount,
        accident_level=payload.accident_level or "",
        deaths=payload.concealed_deaths,
        employee=payload.employee,
    )
    return {"amount": result.amount, "explanation": result.explanation}


@reward_router.get(
    "/internal-scheme",
    response={200: TipoffSchemeOut, 404: RateLimited},
    summary="Your enterprise's internal-report reward scheme",
)
def get_scheme(request):
    enterprise = getattr(request.user, "enterprise", None)
    scheme = getattr(enterprise, "internal_reward_scheme", None) if enterprise else None
    if scheme is None:
        return Status(404, {"detail": _("No internal-report reward scheme is set.")})
    return scheme


@reward_router.put(
    "/internal-scheme",
    response=TipoffSchemeOut,
    summary="Set your enterprise's internal-report reward scheme",
)
def put_scheme(request, payload: TipoffSchemeIn):
    enterprise = getattr(request.user, "enterprise", None)
    if enterprise is None:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("Only the enterprise's own staff set its reward scheme."))
    return rewards.set_internal_scheme(
        enterprise=enterprise,
        user=request.user,
        general_amount=payload.general_amount,
        major_amount=payload.major_amount,
    )


@reward_router.get("/{int:reward_id}", response=RewardOut, summary="One reward")
def get_reward(request, reward_id: int):
    return _reward(request, reward_id)


@reward_router.post(
    "/{int:reward_id}/decide", response=RewardOut, summary="Approve or refuse (not by the proposer)"
)
def decide(request, reward_id: int, payload: TipoffDecisionIn):
    return rewards.decide_reward(
        reward=_reward(request, reward_id),
        user=request.user,
        approve=payload.approve,
        note=payload.note,
    )


@reward_router.post("/{int:reward_id}/payout", response=RewardOut, summary="Record the payout")
def payout(request, reward_id: int, payload: PayoutIn):
    return rewards.record_payout(
        reward=_reward(request, reward_id), user=request.user, reference=payload.reference
    )


@reward_router.post(
    "/hazard/{int:hazard_id}/internal",
    response={201: RewardOut},
    summary="Propose an internal-report reward for the employee who reported the hazard",
)
def propose_internal(request, hazard_id: int, payload: InternalRewardIn):
    hazard = get_object_or_404(Hazard.objects.visible_to(request.user), pk=hazard_id)
    return Status(
        201,
        rewards.propose_internal_reward(
            hazard=hazard, user=request.user, employee_name=payload.employee_name
        ),
    )


# ---------------------------------------------------------------- the office: exposure


@exposure_router.get(
    "", response=list[ExposureOut], summary="Cases published from your jurisdiction"
)
@paginate(Pagination)
def list_exposures(request):
    return ExposureCase.objects.visible_to(request.user)


@exposure_router.post("", response={201: ExposureOut}, summary="Publish a case on the portal")
def publish(request, payload: ExposureIn):
    hazard = get_object_or_404(Hazard.objects.visible_to(request.user), pk=payload.hazard)
    case = exposure.publish_case(
        hazard=hazard,
        user=request.user,
        title=payload.title,
        facts=payload.facts,
        outcome=payload.outcome,
    )
    return Status(201, case)


@exposure_router.post("/{int:case_id}/withdraw", response=ExposureOut, summary="Withdraw a case")
def withdraw(request, case_id: int):
    case = get_object_or_404(ExposureCase.objects.visible_to(request.user), pk=case_id)
    return exposure.withdraw_case(case=case, user=request.user)


# ---------------------------------------------------------------- the public


def _limited(request, group: str, rate: str, increment=True):
    if guard.limited(request, group, rate, increment=increment):
        return Status(
            429,
            {"detail": _("Too many attempts from your connection. Please try again in an hour.")},
        )
    return None


def _find(request, code: str, secret: str) -> TipOff:
    try:
        return tipoffs.find_by_code(code, secret)
    except ValidationError:
        guard.limited(request, "track", settings.ANLAN_TIPOFF_TRACK_RATE)  # count the failure
        raise


def _progress(tip_off: TipOff) -> dict:
    data = tipoffs.public_progress(tip_off)
    reward = tip_off.rewards.exclude(status=RewardStatus.REFUSED).first()
    data["reward"] = (
        {
            "status": reward.status,
            "amount": None if reward.status == RewardStatus.PROPOSED else reward.amount,
            "claim_by": reward.claim_by,
        }
        if reward
        else None
    )
    return data


@portal_router.post(
    "/tipoffs",
    response={201: CreatedOut, 429: RateLimited},
    summary="Submit a tip-off (multipart form; photos optional). Answers the tracking code and "
    "the secret, once.",
)
def submit(request, payload: Form[TipOffIn], photos: File[list[UploadedFile]] = None):
    refused = _limited(request, "tipoff", settings.ANLAN_TIPOFF_RATE)
    if refused:
        return refused
    tip_off, secret = tipoffs.submit_tip_off(
        data=payload.dict(), photos=check_uploaded_files(photos or [], "photos")
    )
    return Status(201, {"code": tip_off.code, "secret": secret, "verify_by": tip_off.verify_by})


@portal_router.post(
    "/tipoffs/track",
    response={200: ProgressOut, 429: RateLimited},
    summary="Follow a tip-off with its code and secret",
)
def track(request, payload: TrackIn):
    refused = _limited(request, "track", settings.ANLAN_TIPOFF_TRACK_RATE, increment=False)
    if refused:
        return refused
    return _progress(_find(request, payload.code, payload.secret))


@portal_router.post(
    "/tipoffs/not-fixed",
    response={200: ProgressOut, 429: RateLimited},
    summary="Say the closed hazard is not fixed: the tip-off goes back for review",
)
def not_fixed(request, payload: NotFixedIn):
    refused = _limited(request, "track", settings.ANLAN_TIPOFF_TRACK_RATE, increment=False)
    if refused:
        return refused
    tip_off = _find(request, payload.code, payload.secret)
    tipoffs.report_not_fixed(tip_off=tip_off, note=payload.note)
    return _progress(tip_off)


@portal_router.post(
    "/tipoffs/claim",
    response={200: ProgressOut, 429: RateLimited},
    summary="Claim the approved reward, giving where to pay it (encrypted)",
)
def claim(request, payload: ClaimIn):
    refused = _limited(request, "track", settings.ANLAN_TIPOFF_TRACK_RATE, increment=False)
    if refused:
        return refused
    tip_off = _find(request, payload.code, payload.secret)
    rewards.claim_reward(
        tip_off=tip_off,
        payee={
            "name": payload.payee_name,
            "mobile": payload.payee_mobile,
            "account": payload.payee_account,
        },
    )
    return _progress(tip_off)


@portal_router.get("/exposures", response=list[PublicExposureOut], summary="Exposed cases")
@paginate(Pagination)
def public_exposures(request):
    return ExposureCase.objects.published()
