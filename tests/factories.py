"""Factories for every model; tests build their data from these."""

import datetime

import factory
from django.contrib.auth.models import User
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from directives import models as dm
from reports import models as rm

# Tests of the history itself turn it on (the fixture ``factories_keep_history``).
KEEP_HISTORY = False


class ModelFactory(factory.django.DjangoModelFactory):
    """Saves the rows a test starts from without a history record (a sixth of the
    suite's time went to them): the history a test reads is the one the code under
    test writes. A test of what reads the starting rows' history (an edit form's
    version, a timeline's first entry) asks for it: ``factories_keep_history``."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if KEEP_HISTORY or cls._meta.django_get_or_create:
            return super()._create(model_class, *args, **kwargs)
        instance = model_class(*args, **kwargs)
        instance.skip_history_when_saving = True
        try:
            instance.save(force_insert=True, using=cls._get_manager(model_class).db)
        finally:
            del instance.skip_history_when_saving
        return instance


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.django.Password("pw")


ROOT_CODE = "tinh"


def root_unit() -> rm.Unit:
    """The test province: the parent of every unit a factory makes unless told
    otherwise, so that a reviewer or leader of it (the default) sees every unit, as
    the province's commission does. It groups the others and files no report."""
    root, _created = rm.Unit.objects.get_or_create(
        code=ROOT_CODE,
        defaults={
            "name": "Tỉnh ủy (thử nghiệm)",
            "kind": rm.UnitKind.PARTY_COMMITTEE,
            "submits_reports": False,
        },
    )
    return root


def holder_of(role: str, unit: rm.Unit | None = None, **kwargs) -> User:
    """A user holding ``role`` (reviewer or leadership) on ``unit`` (the test province
    when None): the role covers the unit and every unit under it."""
    user = UserFactory(**kwargs)
    rm.Membership.objects.create(user=user, unit=unit or root_unit(), role=role)
    return user


def reviewer(unit: rm.Unit | None = None, **kwargs) -> User:
    """A reviewer of ``unit``'s subtree (of the whole test province by default)."""
    return holder_of(rm.MembershipRole.REVIEWER, unit, **kwargs)


def leader(unit: rm.Unit | None = None, **kwargs) -> User:
    """Leadership of ``unit``'s subtree (of the whole test province by default)."""
    return holder_of(rm.MembershipRole.LEADERSHIP, unit, **kwargs)


def admin(**kwargs) -> User:
    """The administrator (``permissions.is_admin``): staff holding every permission."""
    return UserFactory(is_staff=True, is_superuser=True, **kwargs)


def second_factor(user: User) -> TOTPDevice:
    """The user set up two-factor sign-in: an authenticator app's key and ten recovery
    codes, as ``accounts.two_factor.set_up`` leaves them."""
    recovery = StaticDevice.objects.create(user=user, name=two_factor.RECOVERY_DEVICE)
    StaticToken.objects.bulk_create(
        StaticToken(device=recovery, token=StaticToken.random_token())
        for _i in range(two_factor.RECOVERY_CODES)
    )
    return TOTPDevice.objects.create(user=user, name=two_factor.APP_DEVICE)


class UnitFactory(ModelFactory):
    class Meta:
        model = rm.Unit

    code = factory.Sequence(lambda n: f"unit-{n}")
    name = factory.Sequence(lambda n: f"Đơn vị {n}")
    kind = rm.UnitKind.MASS_ORG
    parent = factory.LazyFunction(root_unit)


class DocumentIssuerFactory(ModelFactory):
    class Meta:
        model = rm.DocumentIssuer

    unit = factory.LazyFunction(root_unit)
    valid_from = datetime.date(2020, 1, 1)
    symbol = "TU"
    place = "Quảng Ninh"
    signer_title = "Trưởng ban"
    signer_name = "Nguyễn Văn Thử"
    recipients = "Thường trực Tỉnh ủy (để b/c)"
    kept_by = "Văn phòng"


def tinh_uy_details(**fields) -> rm.DocumentIssuer:
    """The test province's Tỉnh ủy as the issuer of its Standing Board's notices: under
    the Đảng bộ tỉnh, symbol TU, signed by order by the Chánh Văn phòng."""
    return DocumentIssuerFactory(
        **{
            "superior": "Đảng bộ tỉnh Thử Nghiệm",
            "header_name": "Tỉnh ủy",
            "symbol": "TU",
            "signer_capacity": "T/L",
            "signer_for": "Ban Thường vụ",
            "signer_title": "Chánh Văn phòng",
            "signer_name": "Phạm Văn Phòng",
            "kept_by": "Văn phòng Tỉnh ủy",
            **fields,
        }
    )


class MembershipFactory(ModelFactory):
    class Meta:
        model = rm.Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = rm.MembershipRole.REPORTER


def member(unit: rm.Unit, role: str = rm.MembershipRole.REPORTER, **kwargs) -> User:
    return MembershipFactory(unit=unit, role=role, **kwargs).user


class QuarterFactory(ModelFactory):
    class Meta:
        model = rm.Quarter
        django_get_or_create = ("year", "number")

    year = 2024
    number = 1
    due_date = factory.LazyAttribute(
        lambda q: rm.Quarter(year=q.year, number=q.number).end_date - datetime.timedelta(days=10)
    )


def open_quarter(**fields) -> rm.Quarter:
    """Q2/2024 (``fields`` change it), after Q1/2024, which is closed."""
    QuarterFactory(year=2024, number=1, closed=True)
    return QuarterFactory(year=2024, number=2, **fields)


class IndicatorFactory(ModelFactory):
    class Meta:
        model = rm.Indicator

    code = factory.Sequence(lambda n: f"IND_{n}")
    name = factory.Sequence(lambda n: f"Chỉ tiêu {n}")
    measure = "cuộc"
    # Counted one by one unless a percentage or money, as the data migration decides.
    whole_numbers = factory.LazyAttribute(lambda o: o.measure not in ("%", "triệu đồng"))


class UnitReportFactory(ModelFactory):
    class Meta:
        model = rm.UnitReport

    unit = factory.SubFactory(UnitFactory)
    quarter = factory.SubFactory(QuarterFactory)
    people_situation = "Tình hình nhân dân ổn định."
    results = "Kết quả thực hiện nhiệm vụ."
    shortcomings = "Hạn chế."
    next_plan = "Phương hướng quý tới."


# The four required sections of a report, as a unit types them into the report form.
REPORT_SECTIONS = {
    "people_situation": "Tình hình ổn định.",
    "results": "Kết quả tốt.",
    "shortcomings": "Hạn chế nhỏ.",
    "next_plan": "Kế hoạch quý III.",
}


def report_form_data(report: rm.UnitReport | None = None, **fields) -> dict:
    """What the report form posts to save a draft of ``report`` (None: not started yet)."""
    return {
        "version": report.version if report else 0,
        **REPORT_SECTIONS,
        "action": "save",
        **fields,
    }


class IndicatorValueFactory(ModelFactory):
    class Meta:
        model = rm.IndicatorValue

    report = factory.SubFactory(UnitReportFactory)
    indicator = factory.SubFactory(IndicatorFactory)
    value = 10


class MeetingFactory(ModelFactory):
    class Meta:
        model = dm.Meeting

    unit = factory.LazyFunction(root_unit)
    quarter = factory.SubFactory(QuarterFactory)
    held_at = factory.LazyFunction(
        lambda: timezone.make_aware(datetime.datetime(2024, 3, 14, 14, 0))
    )
    title = "Giao ban công tác dân vận"
    chair_name = "Nguyễn Văn A"


class TopicFactory(ModelFactory):
    class Meta:
        model = dm.Topic
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Chủ đề {n}")


class DirectiveFactory(ModelFactory):
    class Meta:
        model = dm.Directive

    meeting = factory.SubFactory(MeetingFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Ý kiến chỉ đạo {n}")
    text = "Nội dung chỉ đạo."
    due_date = datetime.date(2024, 6, 30)


class AssignmentFactory(ModelFactory):
    class Meta:
        model = dm.Assignment

    directive = factory.SubFactory(DirectiveFactory)
    unit = factory.SubFactory(UnitFactory)
    role = dm.AssignmentRole.LEAD
    due_date = factory.LazyAttribute(lambda a: a.directive.due_date)


class ProgressUpdateFactory(ModelFactory):
    class Meta:
        model = dm.ProgressUpdate

    assignment = factory.SubFactory(AssignmentFactory)
    quarter = factory.SubFactory(QuarterFactory, year=2024, number=2)
    claimed_status = dm.ClaimedStatus.IN_PROGRESS
    percent = 50
    description = "Đã triển khai."

    class Params:
        # The unit says the work is done; it awaits the reviewer's confirmation.
        done_claim = factory.Trait(
            claimed_status=dm.ClaimedStatus.DONE,
            percent=100,
            review_status=dm.ReviewStatus.PENDING,
        )


class DeadlineChangeFactory(ModelFactory):
    class Meta:
        model = dm.DeadlineChange

    assignment = factory.SubFactory(AssignmentFactory)
    old_date = datetime.date(2024, 6, 30)
    new_date = datetime.date(2024, 9, 30)
    reason = "Cần thêm thời gian."


class RecommendationFactory(ModelFactory):
    class Meta:
        model = dm.Recommendation

    meeting = factory.SubFactory(MeetingFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = "Kiến nghị."
