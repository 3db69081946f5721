"""What issuing an application changes in the register, before any of its documents is rendered.

A birth (akta_kelahiran) adds the child to the family named by ``nomor_kk`` with a new NIK; a
death (akta_kematian) takes the deceased off the family card; a move (skpwni) takes the applicant
and the members moving along off it. The new KK of the bundle is then rendered from the
register as it is after the change, in the same transaction: a refusal changes nothing.

Nobody is deleted: a member who leaves keeps their row with ``left_at``, ``left_reason``
("meninggal" | "pindah") and ``left_ticket``; a child carries the ``added_ticket`` of their
birth. Those tickets make issuing idempotent: a retry of the same application finds its own
change already made and makes it no second time.

Head of family (kepala keluarga) when the head dies or moves out, following how offices update
a KK (Permendagri 108/2019: the family names the new head; this is the office's default):

1. the surviving spouse (ISTRI/SUAMI; the first in KK order if there are several);
2. else the eldest child (ANAK) who is an adult: 17 or older, or ever married (the age of a
   KTP-el: a head of family must be able to hold one);
3. else the eldest adult remaining member of any relation;
4. else the eldest remaining member (a household of minors: the office should move them to
   a guardian's KK; the audit entry says ``minor_head``).

Everyone's relation is then re-expressed towards the new head: under a spouse, children stay
ANAK and ORANG TUA/MERTUA swap; under anyone else, members whose father or mother is the new
head become ANAK, the new head's spouse (the one MENANTU of the other sex, when the new head is
married) becomes ISTRI/SUAMI, and everyone else FAMILI LAIN (the KK has no word for siblings).
A death also makes the surviving spouse of a head (or the head of a deceased spouse) CERAI MATI.
When nobody remains, the family card is closed: the bundle carries no KK.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.applications.errors import ApplicationRefused
from server.applications.models import Application
from server.audit import audit
from server.models import HEAD_OF_FAMILY, Family, Resident
from server.nik import InvalidNik, nik_prefix
from server.privacy import mask_name, mask_nik

DIED = "meninggal"
MOVED = "pindah"
SPOUSES = ("ISTRI", "SUAMI")
CHILD = "ANAK"
GRANDCHILD = "CUCU"
IN_LAW_CHILD = "MENANTU"
OTHER_RELATIVE = "FAMILI LAIN"
MARRIED = "KAWIN"
WIDOWED = "CERAI MATI"
NEVER_MARRIED = "BELUM KAWIN"
ADULT_AGE = 17  # the age of a KTP-el
# What a newborn's KK line says where the form does not tell: SIAK's TIDAK/BELUM SEKOLAH and
# BELUM/TIDAK BEKERJA, written in the demo register's case ("Pelajar/Mahasiswa").
NEWBORN_EDUCATION = "Tidak/Belum Sekolah"
NEWBORN_OCCUPATION = "Belum/Tidak Bekerja"
NIK_ATTEMPTS = 20  # another process taking the same serial makes us try the next one
LAST_SERIAL = 9999
_NIK_IN_TEXT = re.compile(r"(?<![0-9])[0-9]{16}(?![0-9])")
_LIST_SEPARATORS = re.compile(r"[,;\n]+|\s+dan\s+", re.IGNORECASE)
_NOBODY = frozenset({"", "-", "tidak ada", "nihil", "none"})


@dataclass
class RegisterChange:
    """What the bundle needs to know of the change: whose KK, and what else the papers print."""

    family: Family | None = None  # the family whose KK the bundle carries (None: the applicant's)
    rows: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)  # by doc type


Handler = Callable[[Session, Application, str, datetime], RegisterChange]


def apply_register_changes(
    session: Session, application: Application, actor: str, now: datetime
) -> RegisterChange:
    """Make the change the application's service brings to the register, or refuse (409)."""
    handler = HANDLERS.get(application.service_code)
    if handler is None:
        return RegisterChange()
    return handler(session, application, actor, now)


# --- families and their lock ----------------------------------------------------------------


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def lock_family(session: Session, family: Family) -> None:
    """Hold the family until the transaction ends and see its members as they are now.

    Two register changes to one family (a birth and a death issued by two officers at once)
    then run one after the other, each on the other's result. PostgreSQL locks the row; SQLite
    has one writer at a time, and a write takes that lock.
    """
    hold_family(session, family.id)
    session.refresh(family)
    session.scalars(
        select(Resident)
        .where(Resident.family_id == family.id)
        .execution_options(populate_existing=True)
    ).all()
    session.expire(family, ["members"])


def hold_family(session: Session, family_id: int) -> None:
    """The lock of lock_family alone; held already, it costs one statement."""
    session.flush()
    if session.get_bind().dialect.name == "sqlite":
        # Also opens the transaction: pysqlite begins one only before a write, and a SAVEPOINT
        # outside one would commit when released.
        session.execute(
            update(Family)
            .where(Family.id == family_id)
            .values(kk_number=Family.kk_number)
            .execution_options(synchronize_session=False)
        )
    else:
        session.execute(select(Family.id).where(Family.id == family_id).with_for_update())


def named_family(session: Session, kk_number: str) -> Family:
    family = session.scalar(select(Family).where(Family.kk_number == kk_number))
    if family is None:
        raise ApplicationRefused(
            409,
            "unknown_kk",
            f"The register holds no family card {mask_nik(kk_number)}: nothing was issued",
        )
    lock_family(session, family)
    return family


# --- NIK -------------------------------------------------------------------------------------


def next_serial(session: Session, prefix: str) -> int:
    """The serial after the highest one given for these 12 digits (a gap once 9999 is used)."""
    taken = {
        int(nik[12:])
        for nik in session.scalars(select(Resident.nik).where(Resident.nik.startswith(prefix)))
        if nik[12:].isdigit()
    }
    top = max(taken, default=0)
    if top < LAST_SERIAL:
        return top + 1
    free = next((s for s in range(1, LAST_SERIAL + 1) if s not in taken), None)
    if free is None:
        raise ApplicationRefused(
            409, "nik_serials_exhausted", f"Every NIK serial of {prefix[:6]}/{prefix[6:]} is taken"
        )
    return free


def assign_nik(session: Session, resident: Resident, region_code: str) -> str:
    """Store ``resident`` (not yet added, family_id set) with a new NIK: the family's district,
    the birth date (DD + 40 for women), the next serial for those 12 digits.

    Unique across server processes by the unique constraint on residents.nik: a serial that
    another transaction took first fails the insert inside a savepoint, and the next one is
    tried. On PostgreSQL the insert waits for the other transaction, then sees its serial; on
    SQLite the family lock is the database's write lock, so nobody else inserts meanwhile.
    """
    try:
        prefix = nik_prefix(region_code, resident.birth_date, resident.sex)
    except InvalidNik as exc:
        raise ApplicationRefused(409, "no_nik_possible", str(exc)) from exc
    hold_family(session, resident.family_id)  # flushes: a savepoint rolled back takes nothing else
    for _ in range(NIK_ATTEMPTS):
        resident.nik = f"{prefix}{next_serial(session, prefix):04d}"
        try:
            with session.begin_nested():
                session.add(resident)
        except IntegrityError:
            continue  # taken meanwhile; the savepoint's rollback expunged the resident
        return resident.nik
    raise ApplicationRefused(
        409, "nik_unavailable", "No free NIK could be taken just now; issue again"
    )


# --- birth -----------------------------------------------------------------------------------


def _member_named(members: Iterable[Resident], name: str) -> Resident | None:
    return next((m for m in members if _same_name(m.name, name)), None)


def _newborn_relation(members: list[Resident], father: str, mother: str) -> str:
    """ANAK of the head (or the head's spouse); CUCU when a parent is the head's child."""
    for parent_name in (father, mother):
        parent = _member_named(members, parent_name)
        if parent is not None and parent.relation in (HEAD_OF_FAMILY, *SPOUSES):
            return CHILD
    for parent_name in (father, mother):
        parent = _member_named(members, parent_name)
        if parent is not None and parent.relation in (CHILD, IN_LAW_CHILD):
            return GRANDCHILD
    return CHILD


def register_birth(
    session: Session, application: Application, actor: str, now: datetime
) -> RegisterChange:
    """Add the newborn to the family card named on the form, with a new NIK."""
    fields = application.fields
    family = named_family(session, fields["nomor_kk"])
    child = next((m for m in family.members if m.added_ticket == application.ticket), None)
    if child is None:
        child = _add_newborn(session, application, family, actor, now)
    rows = (("NIK Anak", child.nik),)
    return RegisterChange(family, {"AKTA_KELAHIRAN": rows, "KIA": rows})


def _add_newborn(
    session: Session, application: Application, family: Family, actor: str, now: datetime
) -> Resident:
    fields = application.fields
    members = family.current_members
    if not members:
        raise ApplicationRefused(
            409,
            "family_closed",
            f"The family card {mask_nik(family.kk_number)} has no members left: nothing was issued",
        )
    name = " ".join(fields["nama_anak"].split())
    born = date.fromisoformat(fields["tanggal_lahir"])
    twin = next((m for m in members if _same_name(m.name, name) and m.birth_date == born), None)
    if twin is not None:
        raise ApplicationRefused(
            409,
            "already_registered",
            f"A child of this name born {born:%d-%m-%Y} is already on this family card "
            f"(NIK {mask_nik(twin.nik)}): nothing was issued",
        )
    father, mother = fields["nama_ayah"], fields["nama_ibu"]
    head = members[0]
    parent = _member_named(members, mother) or _member_named(members, father) or head
    child = Resident(
        nik="",
        name=name,
        sex=fields["jenis_kelamin"],
        birth_place=fields["tempat_lahir"],
        birth_date=born,
        religion=parent.religion,
        education=NEWBORN_EDUCATION,
        occupation=NEWBORN_OCCUPATION,
        marital_status=NEVER_MARRIED,
        relation=_newborn_relation(members, father, mother),
        nationality="WNI",
        father_name=father,
        mother_name=mother,
        family_id=family.id,
        position=max((m.position for m in family.members), default=-1) + 1,
        added_ticket=application.ticket,
    )
    assign_nik(session, child, family.region_code)
    session.expire(family, ["members"])
    audit(
        session,
        actor,
        "register.member_added",
        application.ticket,
        kk=mask_nik(family.kk_number),
        nik=mask_nik(child.nik),
        name=mask_name(child.name),
        relation=child.relation,
        reason="lahir",
    )
    return child


# --- leaving: death and moving out ------------------------------------------------------------


def is_adult(resident: Resident, on: date) -> bool:
    born = resident.birth_date
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return age >= ADULT_AGE or resident.marital_status != NEVER_MARRIED


def choose_head(remaining: list[Resident], on: date) -> Resident | None:
    """The next head of family by the rule in this module's docstring (None: nobody is left)."""
    if not remaining:
        return None
    in_order = sorted(remaining, key=lambda m: m.position)
    spouse = next((m for m in in_order if m.relation in SPOUSES), None)
    if spouse is not None:
        return spouse
    adults = [m for m in in_order if is_adult(m, on)]
    pool = [m for m in adults if m.relation == CHILD] or adults or in_order
    return min(pool, key=lambda m: (m.birth_date, m.position))


def relations_under(new_head: Resident, remaining: list[Resident]) -> dict[int, str]:
    """Each other member's relation to the new head, by resident id (before it takes over)."""
    others = [m for m in remaining if m is not new_head]
    if new_head.relation in SPOUSES:
        swap = {"ORANG TUA": "MERTUA", "MERTUA": "ORANG TUA"}
        return {
            m.id: OTHER_RELATIVE if m.relation in SPOUSES else swap.get(m.relation, m.relation)
            for m in others
        }
    spouse_relation = "SUAMI" if new_head.sex == "P" else "ISTRI"
    spouse_sex = "L" if new_head.sex == "P" else "P"
    in_laws = [m for m in others if m.relation == IN_LAW_CHILD and m.sex == spouse_sex]
    spouse = (
        in_laws[0]
        if new_head.relation == CHILD and new_head.marital_status == MARRIED and len(in_laws) == 1
        else None
    )
    relations = {}
    for m in others:
        if m is spouse:
            relations[m.id] = spouse_relation
        elif _same_name(m.father_name, new_head.name) or _same_name(m.mother_name, new_head.name):
            relations[m.id] = CHILD
        else:
            relations[m.id] = OTHER_RELATIVE
    return relations


def _widowed(leaver: Resident, remaining: list[Resident]) -> list[Resident]:
    """Who a death leaves widowed: a head's spouses, or a spouse's head (no other spouse left)."""
    if leaver.relation == HEAD_OF_FAMILY:
        return [m for m in remaining if m.relation in SPOUSES and m.marital_status == MARRIED]
    if leaver.relation in SPOUSES and not any(m.relation in SPOUSES for m in remaining):
        head = next((m for m in remaining if m.relation == HEAD_OF_FAMILY), None)
        if head is not None and head.marital_status == MARRIED:
            return [head]
    return []


def take_off_card(
    session: Session,
    family: Family,
    leavers: list[Resident],
    reason: str,
    application: Application,
    actor: str,
    now: datetime,
) -> None:
    """Leavers leave the family card; a new head and the others' relations and status follow."""
    ticket = application.ticket
    kk = mask_nik(family.kk_number)
    remaining = [m for m in family.current_members if m not in leavers]
    for leaver in leavers:
        leaver.left_at, leaver.left_reason, leaver.left_ticket = now, reason, ticket
        audit(
            session,
            actor,
            "register.member_left",
            ticket,
            kk=kk,
            nik=mask_nik(leaver.nik),
            relation=leaver.relation,
            reason=reason,
        )
        if reason == DIED:
            for widow in _widowed(leaver, remaining):
                widow.marital_status = WIDOWED
                audit(
                    session,
                    actor,
                    "register.marital_status",
                    ticket,
                    kk=kk,
                    nik=mask_nik(widow.nik),
                    to=WIDOWED,
                    **{"from": MARRIED},
                )
    old_head = next((m for m in leavers if m.relation == HEAD_OF_FAMILY), None)
    if not remaining:
        audit(session, actor, "register.family_emptied", ticket, kk=kk)
    elif old_head is not None:
        _hand_over(session, family, old_head, remaining, application, actor, now)
    session.expire(family, ["members"])


def _hand_over(
    session: Session,
    family: Family,
    old_head: Resident,
    remaining: list[Resident],
    application: Application,
    actor: str,
    now: datetime,
) -> None:
    kk = mask_nik(family.kk_number)
    new_head = choose_head(remaining, now.date())
    assert new_head is not None  # someone remains
    relations = relations_under(new_head, remaining)
    changed = [
        {"nik": mask_nik(m.nik), "from": m.relation, "to": relations[m.id]}
        for m in remaining
        if m is not new_head and relations[m.id] != m.relation
    ]
    for m in remaining:
        if m is not new_head:
            m.relation = relations[m.id]
    was = new_head.relation
    new_head.relation = HEAD_OF_FAMILY
    audit(
        session,
        actor,
        "register.head_changed",
        application.ticket,
        kk=kk,
        previous=mask_nik(old_head.nik),
        head=mask_nik(new_head.nik),
        head_was=was,
        minor_head=not is_adult(new_head, now.date()),
        relations=changed,
    )


def _not_a_member(nik: str, family: Family, why: str = "is not a member of") -> ApplicationRefused:
    return ApplicationRefused(
        409,
        "not_a_member",
        f"NIK {mask_nik(nik)} {why} the family card {mask_nik(family.kk_number)}: "
        "nothing was issued",
    )


def register_death(
    session: Session, application: Application, actor: str, now: datetime
) -> RegisterChange:
    """The deceased leaves the family card (the new KK of the bundle no longer lists them)."""
    fields = application.fields
    nik = fields["nik_almarhum"]
    kk_number = fields.get("nomor_kk")
    if kk_number is None:  # applications submitted before the form asked for it
        resident = session.scalar(select(Resident).where(Resident.nik == nik))
        if resident is None:
            raise ApplicationRefused(
                409,
                "not_a_member",
                f"NIK {mask_nik(nik)} is not in the register: nothing was issued",
            )
        kk_number = resident.family.kk_number
    family = named_family(session, kk_number)
    deceased = next((m for m in family.members if m.nik == nik), None)
    if deceased is None:
        raise _not_a_member(nik, family)
    if deceased.left_ticket == application.ticket:
        return RegisterChange(family)  # this application's retry: already done
    if deceased.left_at is not None:
        raise _not_a_member(nik, family, f"has already left ({deceased.left_reason})")
    take_off_card(session, family, [deceased], DIED, application, actor, now)
    return RegisterChange(family)


def movers_named(text: str, members: list[Resident]) -> tuple[list[Resident], list[str]]:
    """The members a free-text 'anggota_pindah' names (by NIK or exact name), and what it
    names that is no member."""
    found: list[Resident] = []
    unknown: list[str] = []
    for piece in _LIST_SEPARATORS.split(text):
        piece = " ".join(piece.split())
        if piece.casefold() in _NOBODY:
            continue
        niks = _NIK_IN_TEXT.findall(piece)
        if niks:
            for nik in niks:
                member = next((m for m in members if m.nik == nik), None)
                if member is None:
                    unknown.append(mask_nik(nik))
                else:
                    found.append(member)
            continue
        named = [m for m in members if _same_name(m.name, piece)]
        if len(named) == 1:
            found.append(named[0])
        else:
            unknown.append(piece)
    return found, unknown


def register_move(
    session: Session, application: Application, actor: str, now: datetime
) -> RegisterChange:
    """The applicant, and the members moving along, leave the family card (reason pindah)."""
    fields = application.fields
    family = named_family(session, fields["nomor_kk"])
    already = [m for m in family.members if m.left_ticket == application.ticket]
    if already:
        return RegisterChange(family, {"SKPWNI": _movers_row(already)})  # a retry
    members = family.current_members
    applicant = next((m for m in members if m.nik == application.applicant_nik), None)
    if applicant is None:
        raise _not_a_member(application.applicant_nik, family)
    along, unknown = movers_named(fields.get("anggota_pindah", ""), members)
    if unknown:
        raise ApplicationRefused(
            409,
            "unknown_mover",
            "Anggota yang ikut pindah is no member of the family card "
            f"{mask_nik(family.kk_number)} (give their NIK or name as on the KK): "
            + ", ".join(unknown),
        )
    movers = [applicant, *(m for m in dict.fromkeys(along) if m is not applicant)]
    take_off_card(session, family, movers, MOVED, application, actor, now)
    return RegisterChange(family, {"SKPWNI": _movers_row(movers)})


def _movers_row(movers: list[Resident]) -> tuple[tuple[str, str], ...]:
    return (("Anggota keluarga yang pindah", "; ".join(f"{m.nik} {m.name}" for m in movers)),)


HANDLERS: dict[str, Handler] = {
    "akta_kelahiran": register_birth,
    "akta_kematian": register_death,
    "skpwni": register_move,
}
