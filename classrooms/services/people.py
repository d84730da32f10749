"""The portal's own writes: people (sign-up, password recovery), classrooms, join codes, invitations,
account links, templates and the instructors' labs. Each is atomic and raises ClassroomError with
nothing changed when it refuses."""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.text import slugify

from accounts.models import normalized_email
from classrooms.errors import ClassroomError
from classrooms.models import AccountLink, Classroom, ClassroomLab, Invitation, Lab, new_join_code

TEACH = "classrooms.teach"
MAX_SEATS = 500  # one classroom; the provisioning bench measures 100
EMAIL_TAKEN = "A person with this email address already signed up. Sign in instead."


def is_instructor(person):
    return bool(person and person.is_authenticated and person.has_perm(TEACH))


def _password_errors(password, user):
    try:
        validate_password(password, user)
    except DjangoValidationError as error:
        return " ".join(error.messages)
    return ""


@transaction.atomic
def person_create(*, email, password):
    """A new person (a Django user whose username is the normalized email), never staff."""
    email = (email or "").strip()
    try:
        validate_email(email)
    except DjangoValidationError:
        raise ClassroomError("Enter a valid email address.", field="email") from None
    person = get_user_model()(
        username=normalized_email(email), email=email, is_staff=False, is_superuser=False
    )
    problem = _password_errors(password, person)
    if problem:
        raise ClassroomError(problem, field="password")
    person.set_password(password)
    try:
        with transaction.atomic():
            person.save()  # the username (the normalized email) is unique: a second sign-up fails here
    except IntegrityError:
        raise ClassroomError(EMAIL_TAKEN, field="email") from None
    return person


def person_by_email(email):
    return get_user_model().objects.filter(username=normalized_email(email or ""), is_active=True).first()


def person_password_reset_request(*, email, base_url):
    """Mail a reset link to the person with this email, if there is one (the answer is the same
    either way, so the form does not tell who signed up)."""
    person = person_by_email(email)
    if person is None:
        return
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    path = reverse(
        "portal:reset_password", kwargs={"uidb64": uid, "token": default_token_generator.make_token(person)}
    )
    body = render_to_string(
        "classrooms/password_reset_email.txt", {"person": person, "link": base_url.rstrip("/") + path}
    )
    recipient = person.email or person.username
    transaction.on_commit(lambda: send_mail("Reset your classroom portal password", body, None, [recipient]))


def person_from_reset_link(*, uidb64, token):
    try:
        pk = force_str(urlsafe_base64_decode(uidb64))
    except (TypeError, ValueError, OverflowError):
        return None
    person = get_user_model().objects.filter(pk=pk, is_active=True).first() if pk.isdigit() else None
    if person is None or not default_token_generator.check_token(person, token):
        return None
    return person


@transaction.atomic
def person_password_set(*, person, password):
    problem = _password_errors(password, person)
    if problem:
        raise ClassroomError(problem, field="password")
    person.set_password(password)
    person.save(update_fields=["password"])


# --- instructors' things ---------------------------------------------------------------------------


def _require_instructor(person):
    if not is_instructor(person):
        raise ClassroomError("Only instructors can do this.")


@transaction.atomic
def account_link_create(*, person, account):
    """Record that `person` proved to own `account` (the flow checked its root credentials)."""
    _require_instructor(person)
    link, _ = AccountLink.objects.get_or_create(person=person, account=account)
    return link


@transaction.atomic
def template_delete(*, person, template):
    if template.owner_id != person.pk:
        raise ClassroomError("This template is not yours.")
    if Classroom.objects.filter(template=template).exists():
        raise ClassroomError(
            f"Template {template.name} is used by a classroom. Delete or change that classroom first."
        )
    template.delete()


def _labs_allowed(person, labs):
    for lab in labs:
        if lab.owner_id not in (None, person.pk):
            raise ClassroomError(f"Lab {lab.title} is not yours.", field="labs")


@transaction.atomic
def classroom_save(*, person, classroom=None, name, seat_limit, ends_at, template, labs):
    """Create (classroom=None) or edit one of `person`'s classrooms; `labs` in their order."""
    _require_instructor(person)
    name = (name or "").strip()
    if not name:
        raise ClassroomError("Enter a name for the classroom.", field="name")
    if seat_limit < 1 or seat_limit > MAX_SEATS:
        raise ClassroomError(f"The seat limit must be between 1 and {MAX_SEATS}.", field="seat_limit")
    if template is not None and template.owner_id != person.pk:
        raise ClassroomError("This template is not yours.", field="template")
    _labs_allowed(person, labs)
    if classroom is None:
        classroom = Classroom(instructor=person)
    elif classroom.instructor_id != person.pk:
        raise ClassroomError("This classroom is not yours.")
    elif classroom.status == Classroom.Status.CLOSED:
        raise ClassroomError("This classroom is closed: it can no longer be changed.")
    elif classroom.seats.count() > seat_limit:
        raise ClassroomError(
            f"The classroom already has {classroom.seats.count()} seats: the limit cannot be lower.",
            field="seat_limit",
        )
    classroom.name, classroom.seat_limit, classroom.ends_at = name, seat_limit, ends_at
    classroom.template = template
    classroom.save()
    ClassroomLab.objects.filter(classroom=classroom).delete()
    ClassroomLab.objects.bulk_create(
        ClassroomLab(classroom=classroom, lab=lab, position=index) for index, lab in enumerate(labs)
    )
    return classroom


def _own_classroom(person, classroom):
    if classroom.instructor_id != person.pk:
        raise ClassroomError("This classroom is not yours.")


@transaction.atomic
def join_code_renew(*, person, classroom, enabled=True):
    """A new join code (the old link and code stop working); `enabled=False` revokes joining."""
    _own_classroom(person, classroom)
    classroom.join_code = new_join_code()
    classroom.join_enabled = enabled
    classroom.save(update_fields=["join_code", "join_enabled"])
    return classroom


@transaction.atomic
def invitations_create(*, person, classroom, emails, join_url):
    """An Invitation per new email, each mailed the join link on commit; returns the new ones."""
    _own_classroom(person, classroom)
    if classroom.status == Classroom.Status.CLOSED:
        raise ClassroomError("This classroom is closed: nobody can join it.")
    if not classroom.join_enabled:
        raise ClassroomError("Joining is revoked: issue a new code before you invite students.")
    known = set(
        Invitation.objects.filter(classroom=classroom, email__in=emails).values_list("email", flat=True)
    )
    created = Invitation.objects.bulk_create(
        Invitation(classroom=classroom, email=email) for email in dict.fromkeys(emails) if email not in known
    )
    for invitation in created:
        body = render_to_string(
            "classrooms/invitation_email.txt",
            {"classroom": classroom, "link": join_url, "code": classroom.join_code},
        )
        address = invitation.email
        transaction.on_commit(
            lambda body=body, address=address: send_mail(
                f"You are invited to the classroom {classroom.name}", body, None, [address]
            )
        )
    return created


def invitation_accept(*, classroom, person):
    """Mark the classroom's invitation of this person's email (if any) accepted by them."""
    return Invitation.objects.filter(
        classroom=classroom, email__iexact=person.email or person.username, accepted_at__isnull=True
    ).update(accepted_at=timezone.now(), accepted_by=person)


def _unique_slug(person, title, exclude=None):
    base = slugify(title)[:56] or "lab"
    slug, number = base, 1
    taken = Lab.objects.filter(owner=person)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    while taken.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def lab_save(*, person, lab=None, title, instructions, checks, pass_percentage):
    """Create or edit one of `person`'s labs; `checks` were validated by classrooms.checks."""
    _require_instructor(person)
    title = (title or "").strip()
    if not title:
        raise ClassroomError("Enter a title for the lab.", field="title")
    if not 0 <= pass_percentage <= 100:
        raise ClassroomError("The pass percentage must be between 0 and 100.", field="pass_percentage")
    if lab is None:
        lab = Lab(owner=person)
    elif lab.owner_id != person.pk:
        raise ClassroomError("Shipped labs and other instructors' labs are read-only. Duplicate it.")
    lab.slug = _unique_slug(person, title, exclude=lab if lab.pk else None)
    lab.title, lab.instructions, lab.checks = title, instructions, checks
    lab.pass_percentage = pass_percentage
    lab.save()
    return lab


def lab_duplicate(*, person, lab):
    """A copy of a shipped lab (or one of the person's own) that `person` owns and can edit."""
    if lab.owner_id not in (None, person.pk):
        raise ClassroomError("This lab is not yours.")
    return lab_save(
        person=person,
        title=f"{lab.title} (copy)",
        instructions=lab.instructions,
        checks=lab.checks,
        pass_percentage=lab.pass_percentage,
    )
