"""The B2B matchmaking scheduler: accepted requests placed in slots at tables.

Pure Python over plain frozen dataclasses (no Django): the caller turns a session into a
`Problem`, calls `solve` (or `greedy`, the baseline), and turns the `Solution` into meetings.

What it promises, for every schedule it returns (`check` verifies each rule and names every
violation; the tests run it on random instances):

- each participant is in at most one meeting per slot, and only in slots they are available in;
- each table hosts at most one meeting per slot;
- a meeting with a participant who has a booth is at that booth (both have one: `a`'s booth);
  every other meeting is at a table of the shared pool (the tables that are nobody's booth);
- each participant has at most `max_meetings` meetings in the whole session;
- locked requests (published or locked meetings) keep their slot and table exactly. They are
  facts: they occupy their people and table, and count toward limits, even if availability or a
  limit changed since (then the effective limit is the number of locked meetings). Locked
  meetings that clash with each other are refused with ValueError.
- every request is either placed or listed in `unplaced` with a `Reason`.

`solve` works in two phases with OR-Tools CP-SAT:

1. maximise the weighted number of placed requests (locked ones included in the figure).
   One boolean per (request, slot) in both sides' common availability; tables of the pool are
   a count per slot (they are interchangeable), booth meetings are at their booth. Pool table
   numbers are assigned after solving: per slot, requests by key get the free pool tables by key.
   `placed[r]` (the sum of r's slot booleans) carries the objective and the per-participant
   rooms (limit, slots they can meet in), so the relaxation sees who meets whom. GLOP solves
   the LP relaxation first: its optimum, rounded down, is added as a bound (CP-SAT's own LP
   adds rows lazily and converged too slowly to prove anything at 2,000 requests), and its
   values rounded into a schedule are the hint if they beat the greedy schedule. The result is
   never worse than `greedy`: its schedule is the fallback when nothing is found in time.
2. holding the phase-1 value (the proven optimum, or the best found when time ran out),
   minimise idle gaps: per participant and day, the slots between their first and last meeting
   in which they have no meeting, in total, plus FAIRNESS_WEIGHT times the largest count of one
   participant (so nobody carries all the gaps). It starts from the phase-1 schedule or, if
   fewer gaps, the same requests placed again first-fit (which packs days together). If phase
   2 finds nothing better, that start is kept (`phase2_status` "skipped").

Phase 2 seldom proves optimality (the gaps' bound is weak), so it runs in rounds limited by
CP-SAT's deterministic time (a count of work, not seconds), each round from the best schedule
so far, and stops after a round that finds nothing better or when its time is up: small
sessions finish well before their time limit.

Determinism: with `workers=1` (the default) CP-SAT searches sequentially with `random_seed`
= seed, so the same problem and seed give the same placements whenever no wall-clock limit
interrupts a phase: phase 1 ends proven optimal, phase 2 ends after an idle round. When the
time limit stops a phase, the result is the best found by then, and how far the search got
depends on the machine's speed and load. With `workers>1` the parallel workers race and
share solutions, so the schedule may differ between runs (its phase-1 value does not, once
proven optimal).
`interleave_search` would make that deterministic, but measured on the benchmark it made
phase 1 eight times slower and phase 2 useless (no large-neighbourhood search), so it is off.
Everything else (the greedy baseline and hint, table numbers, reasons) is deterministic.

Unplaced reasons, in this order: NO_COMMON_SLOT (the two share no available slot);
LIMIT_REACHED (a side's placed meetings reached its max_meetings); TIME_LIMIT (phase 1 was not
proven optimal: the solver could not place it in time); SCHEDULE_FULL (the common slots or the
tables are taken by meetings of a schedule proven to be as full as possible).
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported on first use at run time: it is heavy
    from ortools.sat.python import cp_model

FAIRNESS_WEIGHT = 2
"""Phase 2 weight of the largest per-participant idle count against the total."""
PHASE2_ROUND = 1.0
"""Least deterministic time (about seconds) of one round of phase 2; see `_phase2`."""
LARGE = 20_000
"""(request, slot) booleans above which phase 2 keeps phase 1's choice of requests."""


@dataclass(frozen=True)
class Participant:
    key: int
    available: frozenset[int]
    max_meetings: int | None = None
    booth: int | None = None


@dataclass(frozen=True)
class Request:
    key: int
    a: int
    b: int
    weight: int = 1
    locked: tuple[int, int] | None = None


@dataclass(frozen=True)
class Problem:
    slot_days: tuple[int, ...]
    tables: tuple[int, ...]
    participants: tuple[Participant, ...]
    requests: tuple[Request, ...]


@dataclass(frozen=True)
class Placement:
    slot: int
    table: int


class Reason(StrEnum):
    NO_COMMON_SLOT = "no_common_slot"
    LIMIT_REACHED = "limit_reached"
    SCHEDULE_FULL = "schedule_full"
    TIME_LIMIT = "time_limit"


@dataclass(frozen=True)
class Solution:
    placements: dict[int, Placement]
    unplaced: dict[int, Reason]
    status: str
    objective: int
    bound: int
    gap: float
    phase2_status: str
    idle_gaps: dict[int, int]
    seconds: float
    method: str
    phase1_seconds: float = 0.0  # of `seconds`, the part phase 1 took (0 for greedy)


# --- input ---------------------------------------------------------------------------------


class _Index:
    """The validated problem with the look-ups every function needs (all sorted)."""

    def __init__(self, problem: Problem) -> None:
        _validate(problem)
        self.problem = problem
        self.n_slots = len(problem.slot_days)
        self.people = {p.key: p for p in problem.participants}
        self.requests = sorted(problem.requests, key=lambda r: r.key)
        self.by_key = {r.key: r for r in self.requests}
        owners: dict[int, list[int]] = defaultdict(list)
        for p in problem.participants:
            if p.booth is not None:
                owners[p.booth].append(p.key)
        self.booth_owners = {t: sorted(keys) for t, keys in owners.items()}
        self.pool = sorted(t for t in problem.tables if t not in owners)
        self.locked = [r for r in self.requests if r.locked is not None]
        self.open = [r for r in self.requests if r.locked is None]

    def table_of(self, request: Request) -> int | None:
        """The booth a request's meeting must be at; None: any table of the pool."""
        a, b = self.people[request.a], self.people[request.b]
        return a.booth if a.booth is not None else b.booth

    def common(self, request: Request) -> list[int]:
        a, b = self.people[request.a], self.people[request.b]
        return sorted(a.available & b.available)

    def days(self) -> dict[int, list[int]]:
        days: dict[int, list[int]] = defaultdict(list)
        for slot, day in enumerate(self.problem.slot_days):
            days[day].append(slot)
        return days


def _validate(problem: Problem) -> None:
    n_slots = len(problem.slot_days)
    if list(problem.slot_days) != sorted(problem.slot_days):
        raise ValueError("Slots must be in chronological order: a slot's day comes before.")
    tables = set(problem.tables)
    if len(tables) != len(problem.tables):
        raise ValueError(f"Table keys repeat: {_repeated(problem.tables)}.")
    keys = [p.key for p in problem.participants]
    if len(set(keys)) != len(keys):
        raise ValueError(f"Participant keys repeat: {_repeated(keys)}.")
    for p in problem.participants:
        wrong = sorted(s for s in p.available if not 0 <= s < n_slots)
        if wrong:
            raise ValueError(
                f"Participant {p.key} is available in unknown slots {wrong} "
                f"(there are {n_slots} slots, 0 to {n_slots - 1})."
            )
        if p.max_meetings is not None and p.max_meetings < 0:
            raise ValueError(f"Participant {p.key}: the meeting limit cannot be negative.")
        if p.booth is not None and p.booth not in tables:
            raise ValueError(f"Participant {p.key}: booth {p.booth} is not one of the tables.")
    people = set(keys)
    seen: set[int] = set()
    pairs: dict[frozenset[int], int] = {}
    for r in problem.requests:
        if r.key in seen:
            raise ValueError(f"Request {r.key} is given twice.")
        seen.add(r.key)
        for side in (r.a, r.b):
            if side not in people:
                raise ValueError(f"Request {r.key}: participant {side} is not in the session.")
        if r.a == r.b:
            raise ValueError(f"Request {r.key}: participant {r.a} cannot meet themselves.")
        if r.weight < 1:
            raise ValueError(f"Request {r.key}: the weight must be at least 1.")
        pair = frozenset((r.a, r.b))
        if pair in pairs:
            raise ValueError(
                f"Requests {pairs[pair]} and {r.key} are both between participants "
                f"{r.a} and {r.b}: pass a pair once (a mutual request is one request)."
            )
        pairs[pair] = r.key
        if r.locked is not None:
            slot, table = r.locked
            if not 0 <= slot < n_slots:
                raise ValueError(f"Request {r.key} is locked in unknown slot {slot}.")
            if table not in tables:
                raise ValueError(f"Request {r.key} is locked at unknown table {table}.")
    busy: dict[tuple[str, int, int], int] = {}
    for r in sorted(problem.requests, key=lambda r: r.key):
        if r.locked is None:
            continue
        slot, table = r.locked
        for what, key in (("participant", r.a), ("participant", r.b), ("table", table)):
            other = busy.get((what, key, slot))
            if other is not None:
                raise ValueError(
                    f"Locked requests {other} and {r.key} both need {what} {key} "
                    f"in slot {slot}: unlock one of them."
                )
            busy[(what, key, slot)] = r.key


def _repeated(values: Iterable[int]) -> list[int]:
    seen: set[int] = set()
    return sorted({v for v in values if v in seen or seen.add(v)})


# --- results -------------------------------------------------------------------------------


def _idle_gaps(index: _Index, placements: dict[int, Placement]) -> dict[int, int]:
    busy: dict[int, set[int]] = defaultdict(set)
    for key, placement in placements.items():
        r = index.by_key[key]
        busy[r.a].add(placement.slot)
        busy[r.b].add(placement.slot)
    days = index.problem.slot_days
    gaps = {}
    for p in sorted(index.people):
        per_day: dict[int, list[int]] = defaultdict(list)
        for slot in busy[p]:
            per_day[days[slot]].append(slot)
        gaps[p] = sum(max(s) - min(s) + 1 - len(s) for s in per_day.values())
    return gaps


def _counts(index: _Index, placements: dict[int, Placement]) -> dict[int, int]:
    counts = dict.fromkeys(index.people, 0)
    for key in placements:
        r = index.by_key[key]
        counts[r.a] += 1
        counts[r.b] += 1
    return counts


def _reasons(index: _Index, placements: dict[int, Placement], proven: bool) -> dict[int, Reason]:
    counts = _counts(index, placements)
    unplaced = {}
    for r in index.open:
        if r.key in placements:
            continue
        limits = [index.people[k].max_meetings for k in (r.a, r.b)]
        if not index.common(r):
            unplaced[r.key] = Reason.NO_COMMON_SLOT
        elif any(m is not None and counts[k] >= m for k, m in zip((r.a, r.b), limits, strict=True)):
            unplaced[r.key] = Reason.LIMIT_REACHED
        elif not proven:
            unplaced[r.key] = Reason.TIME_LIMIT
        else:
            unplaced[r.key] = Reason.SCHEDULE_FULL
    return unplaced


def _weight(index: _Index, placements: dict[int, Placement]) -> int:
    return sum(index.by_key[k].weight for k in placements)


def _locked_placements(index: _Index) -> dict[int, Placement]:
    return {r.key: Placement(*r.locked) for r in index.locked}


class _Occupancy:
    """Who and which table is taken in each slot, and meetings per participant."""

    def __init__(self, index: _Index, placements: dict[int, Placement]) -> None:
        self.index = index
        self.people: set[tuple[int, int]] = set()
        self.tables: set[tuple[int, int]] = set()
        self.count = dict.fromkeys(index.people, 0)
        for key, placement in placements.items():
            self.add(index.by_key[key], placement)

    def add(self, r: Request, placement: Placement) -> None:
        self.people |= {(r.a, placement.slot), (r.b, placement.slot)}
        self.tables.add((placement.table, placement.slot))
        self.count[r.a] += 1
        self.count[r.b] += 1

    def within_limits(self, r: Request) -> bool:
        return all(
            self.index.people[k].max_meetings is None
            or self.count[k] < self.index.people[k].max_meetings
            for k in (r.a, r.b)
        )

    def tables_free(self, r: Request, slot: int) -> list[int]:
        if (r.a, slot) in self.people or (r.b, slot) in self.people:
            return []
        booth = self.index.table_of(r)
        candidates = [booth] if booth is not None else self.index.pool
        return [t for t in candidates if (t, slot) not in self.tables]


def free_slots(
    problem: Problem, placements: dict[int, Placement], request: Request
) -> list[Placement]:
    """Every (slot, table) the request's meeting could move to, chronologically.

    Both sides available and in no other placed meeting, both within their limits, the table
    free (their booth, or any free table of the pool). The request's own current placement, if
    any, is ignored (it is the meeting being moved).
    """
    index = _Index(problem)
    for side in (request.a, request.b):
        if side not in index.people:
            raise ValueError(f"Request {request.key}: participant {side} is not in the session.")
    if request.a == request.b:
        raise ValueError(f"Request {request.key}: participant {request.a} cannot meet themselves.")
    others = {k: p for k, p in placements.items() if k != request.key}
    unknown = sorted(k for k in others if k not in index.by_key)
    if unknown:
        raise ValueError(f"Placements name unknown requests {unknown}.")
    occupancy = _Occupancy(index, others)
    if not occupancy.within_limits(request):
        return []
    return [
        Placement(slot, table)
        for slot in index.common(request)
        for table in occupancy.tables_free(request, slot)
    ]


def check(problem: Problem, solution: Solution) -> list[str]:
    """Every rule the solution breaks, one message each; an empty list: the solution is valid."""
    index = _Index(problem)
    errors = []
    placements = solution.placements
    unknown = sorted(k for k in set(placements) | set(solution.unplaced) if k not in index.by_key)
    if unknown:
        return [f"Unknown requests {unknown} in the solution."]
    for r in index.requests:
        placed, left = r.key in placements, r.key in solution.unplaced
        if placed and left:
            errors.append(f"Request {r.key} is both placed and unplaced.")
        if not placed and not left:
            errors.append(f"Request {r.key} is neither placed nor listed as unplaced.")
        if r.locked is not None and placements.get(r.key) != Placement(*r.locked):
            errors.append(
                f"Locked request {r.key} moved from {r.locked} to {placements.get(r.key)}."
            )
    people: dict[tuple[int, int], list[int]] = defaultdict(list)
    tables: dict[tuple[int, int], list[int]] = defaultdict(list)
    for key in sorted(placements):
        r, placement = index.by_key[key], placements[key]
        slot, table = placement.slot, placement.table
        if not 0 <= slot < index.n_slots:
            errors.append(f"Request {key} is in unknown slot {slot}.")
        if table not in problem.tables:
            errors.append(f"Request {key} is at unknown table {table}.")
        tables[(table, slot)].append(key)
        for side in (r.a, r.b):
            people[(side, slot)].append(key)
        if r.locked is not None:
            continue  # kept as it was: its availability and table are facts
        for side in (r.a, r.b):
            if slot not in index.people[side].available:
                errors.append(f"Request {key}: participant {side} is not available in slot {slot}.")
        booth = index.table_of(r)
        if booth is not None and table != booth:
            errors.append(f"Request {key} is at table {table}, not at booth {booth}.")
        if booth is None and table not in index.pool:
            errors.append(f"Request {key} is at table {table}, which is not in the shared pool.")
    for (side, slot), keys in sorted(people.items()):
        if len(keys) > 1:
            errors.append(f"Participant {side} has requests {keys} in slot {slot}.")
    for (table, slot), keys in sorted(tables.items()):
        if len(keys) > 1:
            errors.append(f"Table {table} has requests {keys} in slot {slot}.")
    counts = _counts(index, placements)
    locked_counts = _counts(index, _locked_placements(index))
    for key, p in sorted(index.people.items()):
        if p.max_meetings is not None and counts[key] > max(p.max_meetings, locked_counts[key]):
            errors.append(
                f"Participant {key} has {counts[key]} meetings, above the limit {p.max_meetings}."
            )
    if solution.objective != _weight(index, placements):
        errors.append(
            f"Objective {solution.objective} is not the placed weight {_weight(index, placements)}."
        )
    if solution.idle_gaps != _idle_gaps(index, placements):
        errors.append("Idle gaps do not match the placements.")
    return errors


def _solution(
    index: _Index,
    placements: dict[int, Placement],
    *,
    status: str,
    bound: int,
    phase2_status: str,
    started: float,
    method: str,
    phase1_seconds: float = 0.0,
) -> Solution:
    placements = dict(sorted(placements.items()))
    objective = _weight(index, placements)
    return Solution(
        placements=placements,
        unplaced=_reasons(index, placements, proven=method == "greedy" or status == "optimal"),
        status=status,
        objective=objective,
        bound=bound,
        gap=(bound - objective) / max(bound, 1),
        phase2_status=phase2_status,
        idle_gaps=_idle_gaps(index, placements),
        seconds=time.perf_counter() - started,
        method=method,
        phase1_seconds=phase1_seconds,
    )


# --- greedy --------------------------------------------------------------------------------


def _greedy_placements(index: _Index) -> dict[int, Placement]:
    placements = _locked_placements(index)
    _first_fit(index, _Occupancy(index, placements), placements)
    return placements


def _first_fit(index: _Index, occupancy: _Occupancy, placements: dict[int, Placement]) -> None:
    """Each open request not yet placed, heaviest first, in its earliest common slot with a
    free table, within the limits (into `placements` and `occupancy`)."""
    for r in sorted(index.open, key=lambda r: (-r.weight, r.key)):
        if r.key in placements or not occupancy.within_limits(r):
            continue
        for slot in index.common(r):
            free = occupancy.tables_free(r, slot)
            if free:
                placements[r.key] = Placement(slot, free[0])
                occupancy.add(r, placements[r.key])
                break


def _trivial_bound(index: _Index) -> int:
    return sum(r.weight for r in index.requests if r.locked is not None or index.common(r))


def greedy(problem: Problem) -> Solution:
    """The baseline, as brokerage tools' "quick schedule": requests by weight (highest first)
    then key, each in the first slot where both are free and a table is (the first by key).

    `bound` is the trivial one (every request with a common slot placed); status "feasible".
    """
    started = time.perf_counter()
    index = _Index(problem)
    return _solution(
        index,
        _greedy_placements(index),
        status="feasible",
        bound=_trivial_bound(index),
        phase2_status="skipped",
        started=started,
        method="greedy",
    )


# --- CP-SAT --------------------------------------------------------------------------------

_STATUS = {"OPTIMAL": "optimal", "FEASIBLE": "feasible", "INFEASIBLE": "infeasible"}


def solve(
    problem: Problem,
    *,
    time_limit: float = 30.0,
    seed: int = 0,
    workers: int = 1,
    phase2_time_limit: float | None = None,
) -> Solution:
    """Place as many (weighted) requests as possible, then close idle gaps. See the module.

    `time_limit` bounds both phases together in seconds; phase 2 gets what phase 1 left, or
    `phase2_time_limit` seconds if given (then phase 1 alone has `time_limit`).
    """
    from ortools.sat.python import cp_model  # imported on first use: it is heavy

    started = time.perf_counter()
    index = _Index(problem)
    locked = _locked_placements(index)
    occupancy = _Occupancy(index, locked)
    pool_free = [
        len(index.pool) - sum((t, s) in occupancy.tables for t in index.pool)
        for s in range(index.n_slots)
    ]

    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    for r in index.open:
        booth = index.table_of(r)
        for s in index.common(r):
            if (r.a, s) in occupancy.people or (r.b, s) in occupancy.people:
                continue
            if booth is not None and (booth, s) in occupancy.tables:
                continue
            if booth is None and pool_free[s] == 0:
                continue
            x[(r.key, s)] = model.new_bool_var(f"x_{r.key}_{s}")
    rows: list[tuple[list[tuple[cp_model.IntVar, int]], int | None, int]] = []  # lo, hi
    by_request: dict[int, list[tuple[int, int]]] = defaultdict(list)
    by_person_slot: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    by_person: dict[int, list[tuple[int, int]]] = defaultdict(list)
    pool_slot: dict[int, list[tuple[int, int]]] = defaultdict(list)
    booth_slot: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for rs in x:  # insertion order: requests by key, then slots
        r = index.by_key[rs[0]]
        by_request[r.key].append(rs)
        for side in (r.a, r.b):
            by_person_slot[(side, rs[1])].append(rs)
            by_person[side].append(rs)
        booth = index.table_of(r)
        if booth is None:
            pool_slot[rs[1]].append(rs)
        else:
            booth_slot[(booth, rs[1])].append(rs)
    # placed[r] = sum of x[r, s]: the objective and the limits on these give the LP the
    # bipartite b-matching view (who meets whom), whose bound is tight when slots are not scarce.
    placed = {}
    for key, keys in by_request.items():
        placed[key] = model.new_bool_var(f"placed_{key}")
        rows.append(([(x[k], 1) for k in keys] + [(placed[key], -1)], 0, 0))
    for keys in by_person_slot.values():
        if len(keys) > 1:
            rows.append(([(x[k], 1) for k in keys], None, 1))
    for table, slot in sorted(booth_slot):
        # A booth shared by several participants: one meeting per slot at it.
        if len(index.booth_owners[table]) > 1:
            rows.append(([(x[k], 1) for k in booth_slot[(table, slot)]], None, 1))
    for slot, keys in sorted(pool_slot.items()):
        if len(keys) > pool_free[slot]:
            rows.append(([(x[k], 1) for k in keys], None, pool_free[slot]))
    for person, keys in sorted(by_person.items()):
        # Redundant when no limit: one meeting per slot they can meet in.
        room = len({k[1] for k in keys})
        limit = index.people[person].max_meetings
        if limit is not None:
            room = min(room, max(limit - occupancy.count[person], 0))
        mine = sorted({k[0] for k in keys})
        if len(mine) > room:
            rows.append(([(placed[k], 1) for k in mine], None, room))
    for terms, lo, hi in rows:
        expr = sum(c * v for v, c in terms)
        model.add(expr == hi if lo == hi else expr <= hi)
    objective = [(v, index.by_key[k].weight) for k, v in placed.items()]
    placed_weight = sum(c * v for v, c in objective)
    locked_weight = _weight(index, locked)
    model.maximize(placed_weight)
    lp_bound, lp_values = _lp_bound(len(x) + len(placed), rows, objective)
    if lp_bound is not None:
        # CP-SAT's own LP adds rows lazily and converges slowly on this shape; GLOP's bound of
        # the whole relaxation, given as a constraint, lets it prove optimality at once when
        # the best schedule reaches it.
        model.add(placed_weight <= lp_bound)

    hint = _greedy_placements(index)
    if lp_values:
        rounded = _rounded(index, {rs: lp_values[v.index] for rs, v in x.items()})
        if _weight(index, rounded) > _weight(index, hint):
            hint = rounded
    for (key, slot), var in x.items():
        model.add_hint(var, key in hint and hint[key].slot == slot)
    for key, var in placed.items():
        model.add_hint(var, key in hint)

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.max_time_in_seconds = max(time_limit, 0.01)
    code = solver.solve(model)
    name = solver.status_name(code)
    status = _STATUS.get(name, "unknown")
    hint_value = _weight(index, hint) - locked_weight
    found = code in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    if found and round(solver.objective_value) >= hint_value:
        chosen = {k for k, v in x.items() if solver.boolean_value(v)}
        value = round(solver.objective_value)
    else:  # nothing (as good as the hint) found in time: the hint stands
        chosen = {(k, p.slot) for k, p in hint.items() if k not in locked}
        value = hint_value
    if found:
        bound = locked_weight + round(solver.best_objective_bound)
    elif lp_bound is not None:
        bound = locked_weight + lp_bound
    else:
        bound = _trivial_bound(index)
    if not x:
        status, bound = "optimal", locked_weight
    # A schedule that reaches a valid upper bound is optimal, whatever the search had time to
    # prove: the LP relaxation's bound, or every request with a common slot placed.
    ceilings = [bound, _trivial_bound(index)]
    if lp_bound is not None:
        ceilings.append(locked_weight + lp_bound)
    if value + locked_weight >= min(ceilings):
        status, bound = "optimal", value + locked_weight
    phase1_seconds = time.perf_counter() - started

    phase2_status = "skipped"
    if x and found:
        remaining = (
            phase2_time_limit
            if phase2_time_limit is not None
            else time_limit - (time.perf_counter() - started)
        )
        compact = _compact(index, {key for key, _ in chosen})
        if compact is not None and _phase2_cost(index, compact) < _phase2_cost(index, chosen):
            chosen = compact
        if remaining > 0.05:
            better = _phase2(index, model, x, placed, chosen, occupancy, value, remaining, solver)
            if better is not None:
                chosen, phase2_status = better

    placements = dict(locked)
    pool_taken = defaultdict(set)
    for t, s in occupancy.tables:
        pool_taken[s].add(t)
    for key, slot in sorted(chosen):
        booth = index.table_of(index.by_key[key])
        if booth is not None:
            placements[key] = Placement(slot, booth)
        else:
            table = next(t for t in index.pool if t not in pool_taken[slot])
            pool_taken[slot].add(table)
            placements[key] = Placement(slot, table)
    return _solution(
        index,
        placements,
        status=status,
        bound=bound,
        phase2_status=phase2_status,
        started=started,
        method="cp-sat",
        phase1_seconds=phase1_seconds,
    )


def _phase2(
    index: _Index,
    model: cp_model.CpModel,
    x: dict[tuple[int, int], cp_model.IntVar],
    placed: dict[int, cp_model.IntVar],
    chosen: set[tuple[int, int]],
    occupancy: _Occupancy,
    value: int,
    seconds: float,
    solver: cp_model.CpSolver,
) -> tuple[set[tuple[int, int]], str] | None:
    """Idle gaps minimised on the phase-1 model, its placed weight held at `value`.

    Returns (chosen (request, slot) pairs, status) or None when nothing better was found.
    Per participant and day: `started[s]` (a meeting at or before s), `later[s]` (a meeting at
    or after s); slot s is idle when started, later and not busy. Only lower bounds are needed
    (the objective pushes them down), so each is a prefix/suffix of implications.
    """
    from ortools.sat.python import cp_model

    model.add(sum(index.by_key[k].weight * v for k, v in placed.items()) >= value)
    if len(x) > LARGE:
        # A large session: which requests are placed stays as phase 1 chose, only their slots
        # move; the model shrinks to those requests, which the search needs in the time left.
        kept = {key for key, _ in chosen}
        for key, var in placed.items():
            model.add(var == int(key in kept))
    busy_vars: dict[tuple[int, int], list] = defaultdict(list)
    for (key, slot), var in x.items():
        r = index.by_key[key]
        busy_vars[(r.a, slot)].append(var)
        busy_vars[(r.b, slot)].append(var)
    hinted = set(chosen)
    hinted_busy = {(p, s) for p, s in occupancy.people}
    for key, slot in hinted:
        r = index.by_key[key]
        hinted_busy |= {(r.a, slot), (r.b, slot)}
    idle_terms = []
    person_totals = []
    hints: list[tuple[cp_model.IntVar, int]] = []
    for person in sorted(index.people):
        person_idle = []
        for slots in index.days().values():
            busy = []  # per slot: 1 (locked), 0 (impossible) or a list of variables
            for s in slots:
                if (person, s) in occupancy.people:
                    busy.append(1)
                else:
                    busy.append(busy_vars.get((person, s), []))
            if sum(1 for b in busy if b) < 2:
                continue  # at most one possible meeting that day: no gap possible
            truth = [int((person, s) in hinted_busy) for s in slots]
            n = len(slots)
            started = [model.new_bool_var("") for _ in range(n)]
            later = [model.new_bool_var("") for _ in range(n)]
            seen = 0
            for i in range(n):
                _at_least(model, started[i], busy[i])
                if i:
                    model.add_implication(started[i - 1], started[i])
                seen = seen or truth[i]
                hints.append((started[i], seen))
            seen = 0
            for i in reversed(range(n)):
                _at_least(model, later[i], busy[i])
                if i < n - 1:
                    model.add_implication(later[i + 1], later[i])
                seen = seen or truth[i]
                hints.append((later[i], seen))
            for i in range(1, n - 1):
                if busy[i] == 1:
                    continue
                idle = model.new_bool_var("")
                load = busy[i] if isinstance(busy[i], list) else []
                # idle >= started + later - busy - 1
                model.add(idle >= started[i - 1] + later[i + 1] - sum(load) - 1)
                first = any(truth[:i])
                last = any(truth[i + 1 :])
                hints.append((idle, int(first and last and not truth[i])))
                person_idle.append(idle)
        if person_idle:
            total = model.new_int_var(0, len(person_idle), "")
            model.add(total == sum(person_idle))
            person_totals.append(total)
            idle_terms.extend(person_idle)
    if not idle_terms:
        return None
    worst = model.new_int_var(0, max(index.n_slots, 1), "")
    model.add_max_equality(worst, person_totals)
    model.minimize(sum(idle_terms) + FAIRNESS_WEIGHT * worst)
    model.clear_hints()
    for (key, slot), var in x.items():
        model.add_hint(var, (key, slot) in hinted)
    for key, var in placed.items():
        model.add_hint(var, any(k == key for k, _ in hinted))
    for var, v in hints:
        model.add_hint(var, v)
    # The gaps' LP bound is weak, so the search seldom proves optimality and would use all of
    # its time: it runs in rounds of deterministic time (the same work on any machine), each
    # from the best schedule so far, and stops after a round that found nothing better.
    deadline = time.perf_counter() + seconds
    solver.parameters.max_deterministic_time = max(PHASE2_ROUND, seconds / 6)
    best, best_cost, status = hinted, _phase2_cost(index, hinted), None
    while (left := deadline - time.perf_counter()) > 0.05:
        solver.parameters.max_time_in_seconds = left
        code = solver.solve(model)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break
        found = {k for k, v in x.items() if solver.boolean_value(v)}
        cost = _phase2_cost(index, found)
        if code == cp_model.OPTIMAL:
            if cost <= best_cost:
                best, status = found, "optimal"
            break
        if cost >= best_cost:
            break
        best, best_cost, status = found, cost, "feasible"
        model.clear_hints()
        for i in range(len(model.proto.variables)):
            var = model.get_int_var_from_proto_index(i)
            model.add_hint(var, solver.value(var))
    solver.parameters.max_deterministic_time = float("inf")
    return None if status is None else (best, status)


def _lp_bound(n_vars, rows, objective) -> tuple[int | None, list[float]]:
    """The optimum of the LP relaxation (GLOP) of phase 1, all variables boolean, rounded down
    with a margin for floating point (None if GLOP did not prove it), and the LP's values."""
    from ortools.linear_solver import pywraplp

    if not n_vars:
        return None, []
    lp = pywraplp.Solver.CreateSolver("GLOP")
    cols = [lp.NumVar(0.0, 1.0, "") for _ in range(n_vars)]
    for terms, lo, hi in rows:
        row = lp.RowConstraint(-lp.infinity() if lo is None else float(lo), float(hi), "")
        for var, coeff in terms:
            row.SetCoefficient(cols[var.index], float(coeff))
    goal = lp.Objective()
    for var, coeff in objective:
        goal.SetCoefficient(cols[var.index], float(coeff))
    goal.SetMaximization()
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None, []
    return math.floor(goal.Value() + 1e-3), [c.solution_value() for c in cols]


def _rounded(index: _Index, values: dict[tuple[int, int], float]) -> dict[int, Placement]:
    """A schedule from the LP's values: (request, slot) pairs by value, highest first, each
    kept if it still fits; then the greedy pass over what is left. A hint, nothing more."""
    placements = _locked_placements(index)
    occupancy = _Occupancy(index, placements)
    ranked = sorted((-v, key, slot) for (key, slot), v in values.items() if v > 1e-6)
    for _, key, slot in ranked:
        r = index.by_key[key]
        if key in placements or not occupancy.within_limits(r):
            continue
        free = occupancy.tables_free(r, slot)
        if free:
            placements[key] = Placement(slot, free[0])
            occupancy.add(r, placements[key])
    _first_fit(index, occupancy, placements)
    return placements


def _compact(index: _Index, keys: set[int]) -> set[tuple[int, int]] | None:
    """The same requests placed again first-fit (each in its earliest free common slot), the
    hardest to place first: a schedule of the same weight that packs each day's meetings
    together, or None if first-fit cannot place them all."""
    occupancy = _Occupancy(index, _locked_placements(index))
    requests = sorted(
        (index.by_key[k] for k in keys), key=lambda r: (len(index.common(r)), -r.weight, r.key)
    )
    chosen = set()
    for r in requests:
        slot = next((s for s in index.common(r) if occupancy.tables_free(r, s)), None)
        if slot is None:
            return None
        occupancy.add(r, Placement(slot, occupancy.tables_free(r, slot)[0]))
        chosen.add((r.key, slot))
    return chosen


def _at_least(model, var, busy) -> None:
    """var >= busy, busy being 1, [] (never busy) or variables of which at most one is true."""
    if busy == 1:
        model.add(var == 1)
    elif busy:
        for b in busy:
            model.add_implication(b, var)


def _phase2_cost(index: _Index, chosen: set[tuple[int, int]]) -> int:
    placements = {k: Placement(*v) for k, v in ((r.key, r.locked) for r in index.locked)}
    for key, slot in chosen:
        placements[key] = Placement(slot, 0)
    gaps = _idle_gaps(index, placements)
    return sum(gaps.values()) + FAIRNESS_WEIGHT * max(gaps.values(), default=0)
