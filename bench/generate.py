"""Generate a catalogue of any size for benchmarks and scale tests.

    python bench/generate.py 10000 --out bench/out/10k

Writes a content folder (site.toml and credentials/) of realistic, valid entries built
from the demo catalogue's vocabulary. The same count and seed give the same files.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TOPICS = {
    "Health care": [
        "dementia care",
        "infection prevention",
        "medication support",
        "palliative care",
        "mental health response",
        "wound care",
        "patient transfers",
        "care planning",
    ],
    "Skilled trades": [
        "heat pump installation",
        "welding inspection",
        "blueprint reading",
        "working at heights",
        "refrigerant handling",
        "CNC machining",
        "framing",
    ],
    "Electric vehicles": [
        "high-voltage safety",
        "charging installation",
        "battery diagnostics",
        "fleet electrification",
        "hybrid drivetrains",
        "battery recycling",
    ],
    "Information technology": [
        "cloud fundamentals",
        "Python data analysis",
        "incident response",
        "accessible web development",
        "SQL reporting",
        "DevOps pipelines",
    ],
    "Business and bookkeeping": [
        "bookkeeping",
        "payroll administration",
        "tax filing",
        "project management",
        "supply chain",
        "nonprofit reporting",
    ],
    "Digital marketing": [
        "search engine optimisation",
        "social media analytics",
        "email automation",
        "content strategy",
        "paid search",
        "video storytelling",
    ],
    "Climate adaptation": [
        "flood risk",
        "urban heat",
        "climate disclosure",
        "wildfire planning",
        "stormwater infrastructure",
        "carbon accounting",
    ],
    "Agriculture": [
        "soil health",
        "precision agriculture",
        "greenhouse pest management",
        "herd health records",
        "regenerative grazing",
        "food safety",
    ],
}
PREFIXES = [
    "Foundations of",
    "Applied",
    "Advanced",
    "Practical",
    "Essentials of",
    "Leading",
    "Introduction to",
    "Professional practice in",
]
ISSUERS = [
    "Cedar Ridge College",
    "Harbourview Polytechnic",
    "Granite Coast Community College",
    "Riverbend Institute of Technology",
    "Maplewood University, Continuing Studies",
    "Northfield School of Business",
    "Collège du Mont-Clair",
    "Lakeshore Trades Institute",
    "Eastgate College",
    "Pinecrest Polytechnic",
]
PARTNERS = [
    "Voltway Fleet Services",
    "Bayside Health Network",
    "Prairie Growers Cooperative",
    "Brightpath Software Guild",
    "Ledgerline Accounting Group",
    "Coastal Resilience Alliance",
    "Northern Grid Utilities Cooperative",
    "Municipal Climate Network",
    "Regional Tech Employers Council",
    "Provincial Builders Alliance",
    "Valley Agri-Food Council",
    "Lakeside Digital Agency Network",
]
VERBS = [
    "plan",
    "assess",
    "document",
    "apply",
    "evaluate",
    "configure",
    "communicate",
    "analyse",
    "troubleshoot",
    "coordinate",
    "design",
    "report on",
    "inspect",
    "monitor",
]
NOUNS = [
    "procedures",
    "risks",
    "records",
    "systems",
    "budgets",
    "workflows",
    "standards",
    "clients",
    "teams",
    "equipment",
    "data",
    "safety practices",
    "controls",
    "outcomes",
]
FILLER_TEXT = (
    "learners work through realistic cases drawn from employers in the sector, practise "
    "with the tools used on the job, and receive feedback from instructors with field "
    "experience before the summative assessment"
)
FILLER = FILLER_TEXT.split()


def entry(i: int, rng: random.Random) -> tuple[str, str]:
    field = rng.choice(list(TOPICS))
    topic = rng.choice(TOPICS[field])
    title = f"{rng.choice(PREFIXES)} {topic} {i}"
    slug = f"gen-{i:06d}"
    delivery = rng.choice(["online", "online", "hybrid", "in-person"])
    hours = rng.choice([6, 10, 12, 15, 20, 24, 30, 36, 40, 45, 60, 80, 120, 160, 240])
    weeks = rng.randint(1, 11)
    cost = rng.choice([0, 0, 95, 150, 225, 300, 450, 650, 800, 995, 1200, 1500, 2400])
    skills = [f"{verb.capitalize()} {topic} {rng.choice(NOUNS)}" for verb in rng.sample(VERBS, 3)]
    partners = rng.sample(PARTNERS, rng.randint(1, 2))
    lines = [
        "---",
        f"title: {title}",
        f"summary: Build job-ready skill in {topic} for {field.lower()} roles, "
        f"assessed on {rng.choice(NOUNS)} drawn from real workplaces.",
        f"issuer: {rng.choice(ISSUERS)}",
        "partners:",
        *[f"  - {p}" for p in partners],
        f"delivery: {delivery}",
        f"hours: {hours}",
        f"weeks: {weeks}",
        f"cost: {cost}",
        "start: on-demand"
        if rng.random() < 0.5
        else f"start:\n  - 2027-0{rng.randint(1, 9)}-{rng.randint(10, 28)}",
        f"language: {'fr' if rng.random() < 0.15 else 'en'}",
        "skills:",
        *[f"  - {s}" for s in skills],
        "framework: ESCO",
        f"field: {field}",
        f"level: {rng.choice(['introductory', 'intermediate', 'advanced'])}",
        f"assessment: A {rng.choice(['project', 'practical task', 'portfolio', 'case exam'])} "
        f"in which the learner shows they can {rng.choice(VERBS)} {topic} {rng.choice(NOUNS)} "
        "to the standard employers expect.",
        f"assessment_type: {rng.choice(['project', 'exam', 'portfolio', 'practical'])}",
        f"credential: {rng.choice(['digital badge', 'certificate'])}",
        f"updated: 2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}",
        "---",
        "",
    ]
    body = []
    for _ in range(rng.randint(3, 6)):
        words = [rng.choice(FILLER) for _ in range(rng.randint(25, 60))]
        body.append(f"In this {topic} module, " + " ".join(words) + ".")
    return slug, "\n".join(lines) + "\n\n".join(body) + "\n"


def generate(count: int, out: Path, seed: int = 1) -> Path:
    """Write `count` entries into the content folder `out`, replacing what was there."""
    if out.exists():
        shutil.rmtree(out)
    (out / "credentials").mkdir(parents=True)
    shutil.copy(ROOT / "content" / "site.toml", out / "site.toml")
    rng = random.Random(seed)
    for i in range(count):
        slug, text = entry(i, rng)
        (out / "credentials" / f"{slug}.md").write_text(text, encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    out = generate(args.count, args.out or ROOT / "bench" / "out" / str(args.count), args.seed)
    print(out)


if __name__ == "__main__":
    main()
