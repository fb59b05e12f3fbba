"""Every insights table as plain rows: the page renders them, the CSV export writes them.

A cell may carry a link to the conversations behind its number (the
drill-down list); the CSV gets the text only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse

from calmdesk.insights.patterns import Breakdown
from calmdesk.insights.report import Overview
from calmdesk.insights.team import BANDS, AgentQA, Figure


@dataclass
class Cell:
    text: str
    href: str = ""
    num: bool = False

    def __str__(self) -> str:
        return self.text


@dataclass
class Table:
    name: str  # the CSV file name and export key
    caption: str
    header: list[str]
    rows: list[list[Cell]] = field(default_factory=list)

    def csv_rows(self) -> list[list[str]]:
        return [[c.text for c in row] for row in self.rows]


def drill(**params) -> str:
    return (
        reverse("insights:conversations")
        + "?"
        + urlencode({k: v for k, v in params.items() if v != ""})
    )


def pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.0f}%"


def n(value, href: str = "") -> Cell:
    return Cell(str(value), href, True)


def weekly_table(data: Overview) -> Table:
    t = Table(
        "weekly",
        "Difficult conversations per week",
        ["Week starting", "Conversations", "Difficult", "Share difficult", "Spike"],
    )
    row = data.overall
    for i, week in enumerate(data.window.weeks):
        t.rows.append(
            [
                Cell(f"{week:%Y-%m-%d}"),
                n(row.weekly_total[i], drill(figure="cell", week=i, weeks=len(data.window.weeks))),
                n(
                    row.weekly_difficult[i],
                    drill(figure="cell", week=i, difficult=1, weeks=len(data.window.weeks)),
                ),
                n(pct(row.weekly_share[i])),
                Cell("spike" if i in row.spike_weeks else ""),
            ]
        )
    return t


def breakdown_table(b: Breakdown, weeks: int) -> Table:
    is_cause = b.dimension == "cause"
    count_label = "Complaints" if is_cause else "Difficult"
    header = [
        b.label,
        "Conversations" if not is_cause else "All complaints",
        count_label,
        f"Share of {b.share_of}",
        "Last 4 weeks",
        "Spike (week starting)",
    ]
    t = Table(f"by-{b.dimension}", f"Difficult conversations by {b.label.lower()}", header)
    for r in b.rows:
        spike = ", ".join(f"{b.weeks[w]:%Y-%m-%d}" for w in r.spike_weeks)
        t.rows.append(
            [
                Cell(r.label),
                n(
                    r.total,
                    ""
                    if is_cause
                    else drill(figure="cell", dim=b.dimension, value=r.key, weeks=weeks),
                ),
                n(
                    r.difficult,
                    drill(
                        figure="cell",
                        dim=b.dimension,
                        value=r.key,
                        weeks=weeks,
                        difficult="" if is_cause else 1,
                    ),
                ),
                n(pct(r.share)),
                Cell(" · ".join(str(x) for x in r.weekly_difficult[-4:])),
                Cell(spike),
            ]
        )
    return t


def causes_table(data: Overview) -> Table:
    t = Table(
        "causes",
        "Root causes",
        [
            "Cause",
            "Last 4 weeks",
            "4 weeks before",
            "Share of complaints",
            "Owner",
            "Fix date",
            "Verdict",
        ],
    )
    for r in data.causes:
        c = r.cause
        t.rows.append(
            [
                Cell(
                    c.label + (" (retired)" if c.status == "retired" else ""),
                    reverse("insights:cause", args=[c.pk]),
                ),
                n(r.recent, drill(figure="cell", dim="cause", value=c.pk, weeks=4)),
                n(r.previous),
                n(pct(r.share)),
                Cell(c.owner.name if c.owner else "No owner"),
                Cell(f"{c.fix_date:%Y-%m-%d}" if c.fix_date else "—"),
                Cell(r.verdict.text if r.verdict else "No fix recorded yet."),
            ]
        )
    return t


def customer_table(data: Overview) -> Table:
    weeks = len(data.window.weeks)
    ch = data.churn
    t = Table("customers", "Customers", ["Figure", "Value", "Cases", "How it is counted"])
    t.rows.append(
        [
            Cell(f"Repeat contact within {data.repeat_days} days (all conversations)"),
            n(pct(data.repeat_all.value)),
            n(
                f"{data.repeat_all.numerator} of {data.repeat_all.denominator}",
                drill(figure="repeat", weeks=weeks),
            ),
            Cell("Conversations that follow another by the same customer within the window."),
        ]
    )
    t.rows.append(
        [
            Cell("Repeat contact (difficult conversations)"),
            n(pct(data.repeat_difficult.value)),
            n(
                f"{data.repeat_difficult.numerator} of {data.repeat_difficult.denominator}",
                drill(figure="repeat", difficult=1, weeks=weeks),
            ),
            Cell("The same, among difficult conversations."),
        ]
    )
    t.rows.append(
        [
            Cell("Silent churn (estimate): last contact was difficult"),
            n(pct(ch.difficult.value)),
            n(
                f"{ch.difficult.numerator} of {ch.difficult.denominator}",
                drill(figure="churn", weeks=weeks),
            ),
            Cell(
                f"Customers last seen {ch.cohort_start:%d %b}–{ch.cohort_end:%d %b %Y} who have not "
                f"written since ({data.churn_days} days or more)"
                + (" and posted no purchase or renewal." if ch.uses_events else ".")
            ),
        ]
    )
    t.rows.append(
        [
            Cell("Silent churn baseline (estimate): last contact was not difficult"),
            n(pct(ch.baseline.value)),
            n(f"{ch.baseline.numerator} of {ch.baseline.denominator}"),
            Cell("The same measure for customers whose last contact went smoothly."),
        ]
    )
    rev = data.revenue
    t.rows.append(
        [
            Cell("Revenue at risk (a year's spend)"),
            n(f"{rev.total:,.2f}" if rev.available else "not provided"),
            n(rev.customers_valued if rev.available else "—"),
            Cell(
                f"Silent churn {rev.silent_churn:,.2f}; open difficult cases {rev.open_difficult:,.2f}."
                if rev.available
                else rev.note
            ),
        ]
    )
    return t


def service_table(figures: list[Figure], weeks: int) -> Table:
    t = Table("service", "Service figures", ["Figure", "Value", "Cases", "Notes"])
    for f in figures:
        cases = f.cases or "—"
        href = drill(figure="service", key=f.key, weeks=weeks) if f.tracked and f.ids else ""
        t.rows.append([Cell(f.label), n(f.display), n(cases, href), Cell(f.note)])
    return t


def qa_table(agents: list[AgentQA], weeks: int, labels: dict[str, str]) -> Table:
    header = ["Agent", "Replies", "Mean score", *[b[1] for b in BANDS], "Seen most often"]
    t = Table("qa", "Coach scores per agent (every reply)", header)
    for a in agents:
        bands = [
            n(
                f"{a.bands[key]} ({pct(a.share(key))})",
                drill(figure="qa", agent=a.agent_id or "", band=key, weeks=weeks),
            )
            for key, *_ in BANDS
        ]
        top = ", ".join(f"{labels.get(k, k)} ({c})" for k, c in a.top_findings)
        t.rows.append(
            [
                Cell(a.name),
                n(a.replies, drill(figure="qa", agent=a.agent_id or "", weeks=weeks)),
                n(f"{a.mean:.0f}" if a.mean is not None else "—"),
                *bands,
                Cell(top),
            ]
        )
    return t


def findings_table(findings, total: int, weeks: int, labels: dict[str, str]) -> Table:
    t = Table(
        "findings", "What the coach finds most often", ["Finding", "Replies", "Share of replies"]
    )
    for kind, count in findings.most_common(10):
        t.rows.append(
            [
                Cell(labels.get(kind, kind)),
                n(count, drill(figure="qa", finding=kind, weeks=weeks)),
                n(pct(count / total if total else None)),
            ]
        )
    return t
