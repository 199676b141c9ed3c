"""The sandbox's seed: two clinics of one institute, their users, OPTT's test tokens and a small library.

The constants are public so that the client layer and the contract suite can log in as seeded users. Every
user's password is the sandbox's ``user_password`` (default ``sandbox-password``).
"""

from __future__ import annotations

from dataclasses import dataclass

from optt.sandbox.published_tokens import TEST_TOKENS
from optt.sandbox.settings import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_USER_PASSWORD
from optt.sandbox.store import Store

__all__ = [
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "DEFAULT_USER_PASSWORD",
    "INSTITUTE_USERNAME",
    "SEEDED_BOOKS",
    "SEEDED_CLINICS",
    "SEEDED_USERS",
    "SEED_VERSION",
    "TEST_TOKENS",
    "TEST_TOKEN_USERS",
    "SeededBook",
    "SeededClinic",
    "SeededUser",
    "seed",
    "user_by_role",
]

SEED_VERSION = "1"
INSTITUTE_USERNAME = "institute"


@dataclass(frozen=True)
class SeededClinic:
    id: int
    code: str
    name: str
    email: str
    """The clinic's e-mail, which is its CLINIC user's login (``clinicEmail`` of the SSO operation)."""


@dataclass(frozen=True)
class SeededUser:
    username: str
    role: str
    clinic_id: int | None
    name: str
    record_id: int | None = None
    """The user's client id (role CLIENT) or care-provider id (role CAREGIVER)."""


@dataclass(frozen=True)
class SeededBook:
    id: int
    title: str
    type: str
    description: str


SEEDED_CLINICS: tuple[SeededClinic, ...] = (
    SeededClinic(1, "TWF5D0FPE8", "OPTT Test Clinic", "laleh@optt.ca"),
    SeededClinic(2, "SANDBOX002", "Sandbox Second Clinic", "clinic2@sandbox.optt.local"),
)

SEEDED_USERS: tuple[SeededUser, ...] = (
    SeededUser(INSTITUTE_USERNAME, "INSTITUTE", None, "Sandbox Institute"),
    SeededUser("laleh@optt.ca", "CLINIC", 1, "OPTT Test Clinic"),
    SeededUser("lalehdehnavi.ld@gmail.com", "CAREGIVER", 1, "Test Care Provider", record_id=1),
    SeededUser("laleh@citronity.com", "CLIENT", 1, "Test Client", record_id=1),
    SeededUser("clinic2@sandbox.optt.local", "CLINIC", 2, "Sandbox Second Clinic"),
    SeededUser("caregiver2@sandbox.optt.local", "CAREGIVER", 2, "Second Care Provider", record_id=2),
    SeededUser("client2@sandbox.optt.local", "CLIENT", 2, "Second Client", record_id=2),
)

TEST_TOKEN_USERS: dict[str, str] = {
    "CLIENT": "laleh@citronity.com",
    "CAREGIVER": "lalehdehnavi.ld@gmail.com",
    "CLINIC": "laleh@optt.ca",
}
"""Role -> the ``user_name`` inside OPTT's published test token for that role."""

SEEDED_BOOKS: tuple[SeededBook, ...] = (
    SeededBook(1, "GAD-7 anxiety questionnaire", "SURVEY", "Seven questions on anxiety over the last two weeks."),
    SeededBook(2, "PHQ-9 depression questionnaire", "SURVEY", "Nine questions on mood over the last two weeks."),
    SeededBook(3, "Sleep diary", "SURVEY", "A week of bed times, wake times and sleep quality."),
    SeededBook(4, "Understanding anxiety", "EDUCATIONAL_MODULE", "What anxiety is and how CBT works with it."),
    SeededBook(5, "Thought records", "EDUCATIONAL_MODULE", "Catching and challenging automatic thoughts."),
    SeededBook(6, "Behavioural activation", "EDUCATIONAL_MODULE", "Planning activities that lift mood."),
    SeededBook(7, "Relaxation and breathing", "EDUCATIONAL_MODULE", "Paced breathing and muscle relaxation."),
    SeededBook(8, "Worry time", "EDUCATIONAL_MODULE", "Postponing worry to a set time of day."),
    SeededBook(9, "PCL-5 trauma checklist", "TEST", "Twenty questions on post-traumatic stress symptoms."),
    SeededBook(10, "Insomnia Severity Index", "TEST", "Seven questions on the nature and impact of insomnia."),
)


def user_by_role(role: str, clinic_id: int = 1) -> SeededUser:
    """The seeded user with ``role`` (in ``clinic_id`` for clinic roles)."""
    for user in SEEDED_USERS:
        if user.role == role and (role == "INSTITUTE" or user.clinic_id == clinic_id):
            return user
    raise KeyError(f"no seeded {role} in clinic {clinic_id}")


def seed(store: Store) -> bool:
    """Seed an empty store; a store seeded before is left alone. Returns whether it seeded."""
    with store.transaction():
        if store.get_meta("seed_version") is not None:
            return False
        institute_id = store.create_user(INSTITUTE_USERNAME, "INSTITUTE", None)
        for clinic in SEEDED_CLINICS:
            store.create_clinic(clinic.id, clinic.code, clinic.name, clinic.email, institute_id)
        records: dict[str, int] = {}
        for user in SEEDED_USERS:
            if user.role == "INSTITUTE":
                continue
            user_id = store.create_user(user.username, user.role, user.clinic_id)
            common = {
                "user_id": user_id,
                "name": user.name,
                "email": user.username,
                "mobile": None,
                "language": "EN",
                "clinic_id": user.clinic_id,
            }
            if user.role == "CLIENT":
                records[user.username] = store.insert_client(
                    {**common, "id": user.record_id, "status": "ACTIVE", "external_client_id": None, "from_cpm": 0}
                )
            elif user.role == "CAREGIVER":
                records[user.username] = store.insert_caregiver(
                    {**common, "id": user.record_id, "position": "Psychologist", "activation_status": "ACTIVE"}
                )
        for clinic_id in (1, 2):
            caregiver = user_by_role("CAREGIVER", clinic_id)
            client = user_by_role("CLIENT", clinic_id)
            store.set_caregivers_of_client(records[client.username], [records[caregiver.username]])
        for book in SEEDED_BOOKS:
            store.insert_book(book.id, book.title, book.type, book.description)
        store.set_meta("seed_version", SEED_VERSION)
    return True
