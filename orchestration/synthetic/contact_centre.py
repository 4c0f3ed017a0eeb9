"""The synthetic contact centre: queues, teams, agents, evaluators and versioned evaluation forms.

Everything is drawn from one seeded ``random.Random`` so a seed always builds the same centre.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

FIRST_NAMES = [
    "Aisha",
    "Ana",
    "Ben",
    "Carlos",
    "Chen",
    "Dana",
    "Diego",
    "Elena",
    "Emma",
    "Farah",
    "Gabriel",
    "Grace",
    "Hana",
    "Ivan",
    "Jamal",
    "Jin",
    "Julia",
    "Kai",
    "Laura",
    "Leo",
    "Lina",
    "Luca",
    "Maya",
    "Mateo",
    "Mei",
    "Nadia",
    "Noah",
    "Olivia",
    "Omar",
    "Priya",
    "Quinn",
    "Rafael",
    "Rosa",
    "Sam",
    "Sara",
    "Sofia",
    "Tariq",
    "Uma",
    "Victor",
    "Yara",
    "Zoe",
]
LAST_NAMES = [
    "Adams",
    "Ahmed",
    "Baker",
    "Bennett",
    "Cruz",
    "Diaz",
    "Evans",
    "Fischer",
    "Garcia",
    "Gupta",
    "Hall",
    "Hughes",
    "Ito",
    "Jensen",
    "Khan",
    "Kim",
    "Lopez",
    "Martin",
    "Meyer",
    "Moreno",
    "Nguyen",
    "Novak",
    "Okafor",
    "Patel",
    "Perez",
    "Reyes",
    "Rossi",
    "Santos",
    "Schmidt",
    "Silva",
    "Singh",
    "Tanaka",
    "Torres",
    "Walker",
    "Wang",
    "Weber",
    "Wilson",
    "Young",
    "Zhang",
]


@dataclass(frozen=True)
class Queue:
    name: str
    share: float  # share of inbound volume
    median_minutes: float
    customer_mood: float  # baseline customer sentiment (−5..+5 scale)
    topics: tuple[str, ...]
    products: tuple[str, ...]


QUEUES: tuple[Queue, ...] = (
    Queue(
        "Billing",
        0.30,
        4.5,
        -0.3,
        ("billing dispute", "refund request", "payment plan", "invoice question"),
        ("Home Broadband", "Mobile Plan", "TV Bundle"),
    ),
    Queue(
        "Technical Support",
        0.28,
        8.0,
        -0.8,
        ("internet outage", "slow connection", "router setup", "app login"),
        ("Home Broadband", "Mobile Plan", "Smart Home"),
    ),
    Queue(
        "Sales",
        0.14,
        6.0,
        0.9,
        ("new subscription", "plan upgrade", "device purchase"),
        ("Mobile Plan", "TV Bundle", "Smart Home"),
    ),
    Queue(
        "Retention",
        0.12,
        7.0,
        -1.4,
        ("cancellation", "price match", "contract end"),
        ("Home Broadband", "Mobile Plan", "TV Bundle"),
    ),
    Queue(
        "General Inquiries",
        0.16,
        3.5,
        0.3,
        ("account update", "address change", "store hours", "order status"),
        ("Home Broadband", "Mobile Plan", "TV Bundle", "Smart Home"),
    ),
)
QUEUE_BY_NAME = {q.name: q for q in QUEUES}

# team -> (queue it serves, share of the queue's calls, mostly outbound?)
TEAMS: tuple[tuple[str, str, float, bool], ...] = (
    ("Billing East", "Billing", 0.55, False),
    ("Billing West", "Billing", 0.45, False),
    ("Tech Tier 1", "Technical Support", 0.7, False),
    ("Tech Tier 2", "Technical Support", 0.3, False),
    ("Sales Inbound", "Sales", 0.6, False),
    ("Outbound Sales", "Sales", 0.4, True),
    ("Retention Specialists", "Retention", 1.0, False),
    ("Customer Care", "General Inquiries", 1.0, False),
)


@dataclass(frozen=True)
class Agent:
    agent_id: str
    name: str
    team: str
    queue: str
    outbound: bool
    skill: float  # hidden; ~N(0, 1): shows in sentiment, interruptions, resolution and QA scores
    words_per_minute: float
    hired_day: int  # days before the first generated day


@dataclass(frozen=True)
class Option:
    ref_id: str
    text: str
    score: int  # 0..10
    automatic_fail: bool = False


@dataclass(frozen=True)
class Question:
    ref_id: str
    text: str
    question_type: str  # SINGLESELECT | NUMERIC | TEXT
    weight: int  # within its section; a section's weights sum to 100
    options: tuple[Option, ...] = ()
    difficulty: float = 0.0  # higher: agents fail it more often
    not_applicable_enabled: bool = False


@dataclass(frozen=True)
class Section:
    ref_id: str
    title: str
    weight: int  # a form's section weights sum to 100
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Form:
    form_id: str
    title: str
    version: int
    active_from_day: int  # first generated day this version is used
    queues: tuple[str, ...]
    sections: tuple[Section, ...]


def _yes_no(
    ref: str, text: str, weight: int, difficulty: float = 0.0, *, fail: bool = False, na: bool = False
) -> Question:
    return Question(
        ref,
        text,
        "SINGLESELECT",
        weight,
        (
            Option(f"{ref}-yes", "Yes", 10),
            Option(f"{ref}-partly", "Partly", 5),
            Option(f"{ref}-no", "No", 0, fail),
        ),
        difficulty,
        na,
    )


def _interruptions(ref: str, weight: int) -> Question:
    return Question(
        ref,
        "How many times did the agent interrupt the customer?",
        "NUMERIC",
        weight,
        (Option(f"{ref}-0", "0", 10), Option(f"{ref}-1-4", "1-4", 5), Option(f"{ref}-5+", "5 or more", 1)),
    )


def _notes(ref: str) -> Question:
    return Question(ref, "Describe what the agent should do differently.", "TEXT", 0)


def _section(ref: str, title: str, weight: int, *questions: Question) -> Section:
    return Section(ref, title, weight, questions)


def _reweighted(question: Question, weight: int) -> Question:
    return replace(question, weight=weight)


def build_forms(days: int) -> tuple[Form, ...]:
    """Three forms; two of them change version part-way through the generated period.

    A new version reuses the previous version's questions (same ref ids), reweighted, plus new ones, as a QA team
    revising a form does.
    """
    switch = max(1, days // 2)
    greet = _yes_no("cs-q-greet", "Did the agent greet the customer and give their name?", 60)
    recorded = _yes_no("cs-q-recorded", "Did the agent state that the call is recorded?", 40, 0.3)
    verify = _yes_no(
        "cs-q-verify",
        "Did the agent verify the caller's identity before discussing the account?",
        100,
        0.2,
        fail=True,
    )
    understand = _yes_no(
        "cs-q-understand", "Did the agent confirm they understood the customer's issue?", 40, 0.4
    )
    resolve = _yes_no("cs-q-resolve", "Was the issue resolved or a clear next step agreed?", 60, 0.6)
    anything = _yes_no("cs-q-anything", "Did the agent ask if there was anything else?", 50, 0.5)
    service_queues = ("Billing", "General Inquiries", "Retention")
    verification = _section("cs-verification", "Verification and Compliance", 25, verify)
    resolution = _section("cs-resolution", "Resolution", 35, understand, resolve)
    service_v1 = Form(
        "form-customer-service",
        "Customer Service Quality",
        1,
        0,
        service_queues,
        (
            _section("cs-greeting", "Greeting", 20, greet, recorded),
            verification,
            resolution,
            _section(
                "cs-closing",
                "Closing",
                20,
                anything,
                _yes_no("cs-q-thank", "Did the agent thank the customer?", 50),
                _notes("cs-q-notes"),
            ),
        ),
    )
    service_v2 = Form(
        "form-customer-service",
        "Customer Service Quality",
        2,
        switch,
        service_queues,
        (
            _section("cs-greeting", "Greeting", 15, _reweighted(greet, 50), _reweighted(recorded, 50)),
            verification,
            _section(
                "cs-empathy",
                "Empathy",
                20,
                _yes_no("cs-q-empathy", "Did the agent acknowledge the customer's feelings?", 60, 0.7),
                _interruptions("cs-q-interrupt", 40),
            ),
            replace(resolution, weight=30),
            _section("cs-closing", "Closing", 10, _reweighted(anything, 100), _notes("cs-q-notes")),
        ),
    )
    sales_v1 = Form(
        "form-sales-compliance",
        "Sales Compliance",
        1,
        0,
        ("Sales",),
        (
            _section(
                "sc-disclosure",
                "Disclosures",
                40,
                _yes_no(
                    "sc-q-recorded-line",
                    "Was the recorded-line disclosure read at the start of the call?",
                    50,
                    0.2,
                    fail=True,
                ),
                _yes_no("sc-q-terms", "Were the contract terms and cancellation rights explained?", 50, 0.5),
            ),
            _section(
                "sc-needs",
                "Needs Analysis",
                30,
                _yes_no("sc-q-needs", "Did the agent ask about the customer's current usage?", 50, 0.4),
                _yes_no(
                    "sc-q-fit", "Did the agent recommend a plan that fits those needs?", 50, 0.5, na=True
                ),
            ),
            _section(
                "sc-close",
                "Close",
                30,
                _yes_no("sc-q-summary", "Did the agent summarise the order before confirming?", 60, 0.3),
                _yes_no(
                    "sc-q-consent",
                    "Did the customer give explicit consent to the order?",
                    40,
                    0.1,
                    fail=True,
                    na=True,
                ),
                _notes("sc-q-notes"),
            ),
        ),
    )
    ts_verify = _yes_no(
        "ts-q-verify", "Did the agent verify the account and service address?", 30, 0.1, fail=True
    )
    diagnose = _yes_no("ts-q-diagnose", "Did the agent follow the troubleshooting guide?", 70, 0.6)
    fixed = _yes_no("ts-q-fixed", "Was the fault fixed or a technician booked?", 70, 0.7)
    explain = _yes_no("ts-q-explain", "Did the agent explain the cause in plain language?", 30, 0.5)
    soft_skills = (
        _interruptions("ts-q-interrupt", 50),
        _yes_no("ts-q-patience", "Was the agent patient and courteous throughout?", 50, 0.3),
    )
    tech_v1 = Form(
        "form-technical-support",
        "Technical Support Quality",
        1,
        0,
        ("Technical Support",),
        (
            _section("ts-diagnosis", "Diagnosis", 40, ts_verify, diagnose),
            _section("ts-resolution", "Resolution", 40, fixed, explain),
            _section("ts-soft-skills", "Soft Skills", 20, *soft_skills),
        ),
    )
    tech_v2 = Form(
        "form-technical-support",
        "Technical Support Quality",
        2,
        switch + days // 6,
        ("Technical Support",),
        (
            _section("ts-diagnosis", "Diagnosis", 35, ts_verify, diagnose),
            _section(
                "ts-resolution",
                "Resolution",
                45,
                _reweighted(fixed, 60),
                _reweighted(explain, 20),
                _yes_no("ts-q-followup", "Did the agent offer a follow-up check?", 20, 0.8, na=True),
            ),
            _section("ts-soft-skills", "Soft Skills", 20, *soft_skills, _notes("ts-q-notes")),
        ),
    )
    return (service_v1, service_v2, sales_v1, tech_v1, tech_v2)


def form_for(forms: tuple[Form, ...], queue: str, day: int) -> Form:
    """The active version of the form used for a queue on a generated day."""
    candidates = [f for f in forms if queue in f.queues and f.active_from_day <= day]
    return max(candidates, key=lambda f: f.active_from_day)


@dataclass
class ContactCentre:
    agents: tuple[Agent, ...]
    agents_by_team: dict[str, list[Agent]]
    evaluators: tuple[str, ...]
    forms: tuple[Form, ...]
    team_weights: dict[str, list[tuple[str, float]]] = field(default_factory=dict)


def build_centre(rng: random.Random, calls_per_day: float, days: int) -> ContactCentre:
    """Size the centre to the volume: about 30 calls per agent per working day, at least 24 agents."""
    headcount = max(24, min(2000, round(calls_per_day / 30)))
    names: set[str] = set()
    agents: list[Agent] = []
    by_team: dict[str, list[Agent]] = {team: [] for team, *_ in TEAMS}
    team_sizes = _apportion(headcount, [QUEUE_BY_NAME[q].share * share for _, q, share, _ in TEAMS])
    number = 0
    for (team, queue, _share, outbound), size in zip(TEAMS, team_sizes, strict=True):
        for _ in range(max(2, size)):
            number += 1
            while True:
                name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                if name not in names:
                    names.add(name)
                    break
            agent = Agent(
                agent_id=f"agent-{number:04d}",
                name=name,
                team=team,
                queue=queue,
                outbound=outbound,
                skill=max(-2.5, min(2.5, rng.gauss(0.0, 1.0))),
                words_per_minute=rng.gauss(155, 18),
                hired_day=rng.randint(30, 2000),
            )
            agents.append(agent)
            by_team[team].append(agent)
    evaluators = tuple(
        f"qa.{first.lower()}.{last.lower()}"
        for first, last in (
            (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)) for _ in range(max(3, headcount // 25))
        )
    )
    team_weights: dict[str, list[tuple[str, float]]] = {}
    for team, queue, share, _ in TEAMS:
        team_weights.setdefault(queue, []).append((team, share))
    return ContactCentre(tuple(agents), by_team, evaluators, build_forms(days), team_weights)


def _apportion(total: int, weights: list[float]) -> list[int]:
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    counts = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)[: total - sum(counts)]:
        counts[i] += 1
    return counts
