"""Every table of decision-flow (SQLModel), in one place.

JSON-valued columns (flags, fields, data) are stored as canonical JSON text so that SQLite and
PostgreSQL keep the same bytes.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, LargeBinary, PrimaryKeyConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel


class Organ(SQLModel, table=True):
    """A deciding organ (决策机关): a county government, a county department or a township, in one
    tree (`parent`). Every case belongs to one; users hold roles in them."""

    __tablename__ = "organs"

    code: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=200)
    level: str = Field(max_length=20)  # county | department | township
    parent: str | None = Field(default=None, max_length=40)
    created_at: str


class Membership(SQLModel, table=True):
    """Roles a user holds in an organ other than their own (a county legal reviewer who reviews
    for several townships); comma separated, as `users.roles`."""

    __tablename__ = "memberships"

    name: str = Field(primary_key=True, max_length=100)  # the user's ("user" is a word PostgreSQL reserves)
    organ: str = Field(primary_key=True, max_length=40)
    roles: str


class User(SQLModel, table=True):
    """A registered user with roles (comma separated) in their own organ; never deleted, only
    deactivated."""

    __tablename__ = "users"

    name: str = Field(primary_key=True, max_length=100)
    roles: str
    active: bool = True
    created_at: str
    public_key: str | None = Field(default=None, max_length=60)  # "ed25519:…"; None: no key (revoked)
    organ: str | None = Field(default=None, max_length=40)  # their own organ (None only before organs existed)


class Decision(SQLModel, table=True):
    """A major decision (重大行政决策) and where it stands; `version` guards concurrent changes."""

    __tablename__ = "decisions"
    __table_args__ = (
        Index("ix_decisions_stage_status", "stage", "status"),
        Index("ix_decisions_stage_list", "stage", "id", "status", "title"),  # list --stage, covered
        Index("ix_decisions_organ", "organ", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    title: str
    workflow: str
    workflow_version: int
    workflow_sha256: str
    stage: str
    status: str = "active"
    flags: str = "{}"
    version: int = 1
    created_at: str
    created_by: str
    organ: str | None = Field(default=None, max_length=40)  # the organ deciding it (None only before organs existed)
    life: str | None = Field(default=None, max_length=20)  # from archiving: in_force|suspended|stopped|superseded
    supersedes: int | None = None  # the decision this case changes or stops (Art. 37), a case of its own
    adjustment: str | None = Field(default=None, max_length=10)  # with `supersedes`: change | stop
    catalogue_item: int | None = None  # the catalogue item it was created from (Art. 3)


class LifeAct(SQLModel, table=True):
    """An act in a decision's life after archiving (Decree 713 Arts. 34-37): an implementation
    report, tracking feedback, a suspension or its end, a post-decision evaluation begun or
    reported. Its audit event (same transaction) is the evidence; this row is what is read."""

    __tablename__ = "life_acts"
    __table_args__ = (Index("ix_life_acts_decision", "decision_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    decision_id: int = Field(foreign_key="decisions.id")
    kind: str = Field(max_length=40)
    data: str = "{}"  # canonical JSON: the act's fields, and the evidence it attached (kind, name, sha256, size)
    at: str
    actor: str


class Catalogue(SQLModel, table=True):
    """An organ's decision-item catalogue for a year (决策事项目录, Art. 3): published only once the
    same-level Party committee's consent is recorded."""

    __tablename__ = "catalogues"

    organ: str = Field(primary_key=True, max_length=40)
    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    consent_on: str | None = None  # the Party committee's consent: its date
    consent_body: str | None = None  # and the body that gave it
    published_on: str | None = None
    created_at: str
    created_by: str


class CatalogueItem(SQLModel, table=True):
    """One item of a catalogue: a decision the organ plans to make that year. Never deleted: an
    item taken out during the year keeps its row, with when and why."""

    __tablename__ = "catalogue_items"
    __table_args__ = (Index("ix_catalogue_items_year", "organ", "year", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    organ: str = Field(max_length=40)
    year: int
    title: str
    undertaking_unit: str
    planned_on: str  # ISO date by which the organ plans to decide
    basis: str = ""  # the legal or policy basis
    added_at: str
    added_by: str
    removed_at: str | None = None
    removed_by: str | None = None
    removed_reason: str | None = None  # why it was taken out (always given)


class Activity(SQLModel, table=True):
    """An act of an organ's rule-of-law work no procedure records (a study session, a publicity
    event, a legal consultation, a village's legal adviser appointed), counted in its annual
    report. Never deleted: one recorded by mistake is withdrawn, with when, who and why."""

    __tablename__ = "activities"
    __table_args__ = (Index("ix_activities_organ_day", "organ", "held_on", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    organ: str = Field(max_length=40)
    kind: str = Field(max_length=40)  # one of engine.activities.KINDS
    held_on: str  # ISO date it was held on
    title: str = ""
    count: int  # participants, or consultations given
    materials: int | None = None  # leaflets and booklets handed out
    village: str | None = None  # the village it concerns (required for an adviser's appointment)
    notes: str | None = None
    created_at: str
    created_by: str
    withdrawn_at: str | None = None
    withdrawn_by: str | None = None
    withdrawn_reason: str | None = None  # why it was withdrawn (always given)


class ActivityEvidence(SQLModel, table=True):
    """A file kept for an activity (a sign-in sheet, a photograph), stored by its SHA-256 in the
    evidence store; the `activity_added` event names the same hashes."""

    __tablename__ = "activity_evidence"

    activity_id: int = Field(primary_key=True, foreign_key="activities.id")
    sha256: str = Field(primary_key=True, max_length=64)
    name: str
    size: int


class StepRecord(SQLModel, table=True):
    """The record of one step of one decision. A return supersedes the records of the stages it
    sends the case back over (`active` false); they stay for the history."""

    __tablename__ = "step_records"
    __table_args__ = (Index("ix_step_records_decision", "decision_id", "active"),)

    id: int | None = Field(default=None, primary_key=True)
    decision_id: int = Field(foreign_key="decisions.id")
    stage: str
    step: str
    status: str = "pending"
    fields: str = "{}"
    marks: str = "[]"
    waiver_reason: str | None = None
    waiver_reference: str | None = None
    closed_at: str | None = None
    closed_by: str | None = None
    active: bool = True
    carried_from: int | None = None  # the record a return superseded, whose values and evidence this one starts from


class Evidence(SQLModel, table=True):
    """An evidence file attached to a step record, stored by its SHA-256 (never by its name)."""

    __tablename__ = "evidence"

    id: int | None = Field(default=None, primary_key=True)
    record_id: int = Field(foreign_key="step_records.id", index=True)
    kind: str
    name: str
    sha256: str = Field(max_length=64)
    size: int
    attached_at: str
    attached_by: str
    withdrawn_at: str | None = Field(default=None, max_length=40)  # withdrawn by mistake: no longer counted
    withdrawn_by: str | None = Field(default=None, max_length=100)
    withdrawn_reason: str | None = None


class AuditEvent(SQLModel, table=True):
    """One event of the hash-chained audit trail (审计记录), in one of the chains: the registry's
    (users, keys, organs, calendars, definitions) or an organ's (its decisions' events).
    `seq` is gap-free within the chain; `hash` covers the canonical content and `prev_hash`.
    Events of one decision also form their own chain (`decision_seq`, `decision_prev`), so a
    decision's export verifies on its own. docs/audit-format.md has the formula."""

    __tablename__ = "audit_events"
    __table_args__ = (
        PrimaryKeyConstraint("chain", "seq", name="audit_events_pkey"),  # the chain's number
        UniqueConstraint("chain", "prev_hash", name="uq_audit_chain_prev"),
        UniqueConstraint("decision_id", "decision_seq", name="uq_audit_decision_seq"),
    )

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    at: str
    actor: str
    action: str
    decision_id: int | None = None
    stage: str | None = None
    step: str | None = None
    data: str
    decision_seq: int | None = None
    decision_prev: str | None = Field(default=None, max_length=64)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)
    signature: str | None = Field(default=None, max_length=100)  # the actor's Ed25519 signature of `hash`
    chain: str = Field(primary_key=True, max_length=40)  # "registry" or an organ's code
    registry_position: int | None = None  # content key `registry`: the registry chain's size when the key was checked
    format: int = 2  # 1: hashed as version 1 (before chains per organ), 2: as version 2


class Meta(SQLModel, table=True):
    """Key/value facts about the database itself (schema version)."""

    __tablename__ = "meta"

    key: str = Field(primary_key=True)
    value: str


class EvidenceBlob(SQLModel, table=True):
    """An evidence file's bytes kept inside a shared server database (so every terminal sees
    them and one backup holds everything), by SHA-256."""

    __tablename__ = "evidence_blobs"

    sha256: str = Field(primary_key=True, max_length=64)
    size: int
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class WorkflowDefinition(SQLModel, table=True):
    """A workflow definition some case runs under or an admin installed, kept by the SHA-256
    that cases record (`decisions.workflow_sha256`), so a case runs the very definition it was
    created under on every terminal of a shared server. One text per (name, version)."""

    __tablename__ = "workflow_definitions"
    __table_args__ = (UniqueConstraint("name", "version", name="uq_workflow_name_version"),)

    sha256: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=100)
    version: int
    procedure: str = Field(max_length=100)
    text: str  # the file as given (UTF-8 TOML)
    base_sha256: str | None = Field(default=None, max_length=64)  # the definition it extends
    origin: str = Field(max_length=20)  # shipped | installed
    recorded_at: str
    recorded_by: str | None = None


class CalendarYear(SQLModel, table=True):
    """One year of the official calendar imported from the State Council's notice (holidays and
    adjusted working days); it takes precedence over the shipped calendar data for that year.
    Written with its audited, signed ``calendar_imported`` event, which `audit verify` checks it
    against (docs/calendar.md)."""

    __tablename__ = "calendar_years"

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    holidays: str  # canonical JSON list of the notice's periods, [{"from", "name", "to"}] (ISO dates)
    workdays: str  # canonical JSON list [{"date", "name"}]: weekend days made working days (调休)
    notice: str  # the notice's number, e.g. 国办发明电〔2024〕12号
    notice_date: str  # ISO date the notice was issued
    sha256: str = Field(max_length=64)  # of the year's canonical content (core.calendar_file.OfficialYear)
    imported_at: str
    imported_by: str


class Opinion(SQLModel, table=True):
    """An opinion the public gave on a decision in public participation (公众意见, Decree 713
    Art. 15), through the consultation page or entered by an officer: its text and the text's
    SHA-256 (which the `opinion_received` event carries), and how it was handled (Art. 29): its
    mark, the reason, who marked it and when. Who gave it is in :class:`OpinionSubmitter`."""

    __tablename__ = "opinions"
    __table_args__ = (
        UniqueConstraint("decision_id", "sha256", name="uq_opinions_decision_text"),  # the same text once
        Index("ix_opinions_decision", "decision_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    decision_id: int = Field(foreign_key="decisions.id")
    received_at: str
    channel: str = Field(max_length=20)  # web | letter | meeting (engine.opinions.CHANNELS)
    text: str
    sha256: str = Field(max_length=64)  # of the text as UTF-8
    mark: str | None = Field(default=None, max_length=20)  # adopted | partly | not_adopted
    reason: str | None = None
    marked_by: str | None = Field(default=None, max_length=100)
    marked_at: str | None = Field(default=None, max_length=40)


class OpinionSubmitter(SQLModel, table=True):
    """Who gave an opinion, if they said (个人信息, PIPL Art. 4): kept apart from the opinion, read
    only by those holding a role in the case's organ; no event and no export carries it."""

    __tablename__ = "opinion_submitters"

    opinion_id: int = Field(primary_key=True, foreign_key="opinions.id")
    name: str | None = None
    unit: str | None = None
    phone: str | None = Field(default=None, max_length=40)


class ConsultationPage(SQLModel, table=True):
    """A case's consultation page (征求意见页面), opened by an officer with the period announced
    in the notice (Art. 15): opinions are taken from `opens_on` to `closes_on`, both included.
    (The step's own dates are recorded once they have passed: no date is recorded ahead.)"""

    __tablename__ = "consultation_pages"

    decision_id: int = Field(primary_key=True, foreign_key="decisions.id")
    opens_on: str = Field(max_length=10)
    closes_on: str = Field(max_length=10)
    opened_at: str
    opened_by: str


class PublicFile(SQLModel, table=True):
    """A file of a case's evidence an officer made public on its consultation page (the draft and
    its explanation, Art. 15), by SHA-256."""

    __tablename__ = "public_files"

    decision_id: int = Field(primary_key=True, foreign_key="decisions.id")
    sha256: str = Field(primary_key=True, max_length=64)
    name: str
    kind: str = Field(max_length=80)
    published_at: str
    published_by: str


class UserPassword(SQLModel, table=True):
    """A user's password for the web pages (``dflow user password``), as a salted scrypt hash;
    the signing key stays the user's own key file."""

    __tablename__ = "user_passwords"

    name: str = Field(primary_key=True, max_length=100)
    hash: str
    set_at: str
    set_by: str
