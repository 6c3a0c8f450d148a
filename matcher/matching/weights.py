"""`RankingWeights`: every constant of relevance ranking, tuned on the dev sets (README lists them)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class RankingWeights(BaseModel):
    """Every constant of the ranking, tuned on the dev sets and the simulation (README lists them)."""

    # Relevance per person (issue 10): "lse" = log-sum-exp over all of a person's statements (evidence
    # included) at temperature T = min(lse_cap, lse_base + lse_slope · ln n), n = the person's statements.
    # One statement: T = lse_base and relevance = that statement; 32 statements: T = 0.084, so breadth adds
    # up. Chosen on the dev sets (README, `benchmarks/ranking_sweep.py --grid pool`): nDCG@10 ESCO 0.448 →
    # 0.454, Stack Exchange 0.371 → 0.462, own fi/sv/en set 0.876 → 0.880 (with pool_by "relevance").
    aggregation: Literal["lse", "best_bonus"] = "lse"
    lse_base: float = Field(default=0.015, gt=0)
    lse_slope: float = Field(default=0.02, ge=0)
    # A guard for very large profiles (T reaches 0.12 at n ≈ 260); binds on no dev set (max n 32).
    lse_cap: float = Field(default=0.12, gt=0)
    # "best_bonus" (before issue 10): best statement plus a bonus for further statements close to it.
    extra_statement_bonus: float = 0.05
    extra_statement_window: float = 0.05
    extra_statement_count: int = 2
    # Evidence statements (well-rated past help) count a little below declared strengths.
    evidence_discount: float = 0.03
    # Level 1..5 the employee gave a statement: small nudge around level 3.
    level_weight: float = 0.002
    # Language correction: subtract this share of each language's mean vector.
    centering_strength: float = 0.75
    centering_min_statements: int = 20
    # Ranker: "dense" (e5 + FAISS, the default) or "lexical": BM25 alone, person score = best statement,
    # the fallback that needs no request encoding and the baseline `VELHO_RANKING__MODE=lexical velho eval DIR`
    # reproduces (ESCO dev nDCG@10 0.233 vs dense 0.361). Feedback components are dense-only.
    mode: Literal["dense", "lexical"] = "dense"
    # Dense mode: candidates gain lexical_weight × BM25 of their best statement, normalised to 0..1 by the
    # query's ceiling Σ idf·(k1+1). 0 (default) = off, ranking unchanged: at 0.02 ESCO dev nDCG@10 +0.002,
    # Stack Exchange dev −0.008 (0.05: +0.005 / −0.013), so not adopted.
    lexical_weight: float = Field(default=0.0, ge=0)
    # Word normalisation of the lexical index: "truncate" to the first `lexical_prefix` letters beats
    # Snowball "stem" (fi/sv/en) in lexical mode on both dev sets (nDCG@10 ESCO 0.233 vs 0.169, SE 0.217
    # vs 0.210); prefix 5 beats 4 and 6 on both. Finnish inflected compounds share a prefix, not a stem.
    lexical_normalisation: Literal["stem", "truncate"] = "truncate"
    lexical_prefix: int = Field(default=5, ge=2)
    # Candidate pool re-ranked per request, as a multiple of k (and at least `pool_min`).
    pool_factor: int = 3
    pool_min: int = 30
    # Who enters the pool: "relevance" = by the aggregation over the statements the first search found
    # (broad profiles get in; Stack Exchange dev 0.444 → 0.462, ESCO 0.456 → 0.454), "best" = best statement.
    pool_by: Literal["best", "relevance"] = "relevance"
    # Match strength (issue 10) from a result's relevance component: "strong" ≥ strength_strong,
    # "weak" < strength_weak, else "fair". Chosen on the dev sets' top-10 results with the default model
    # (`benchmarks/strength_bands.py`): strong = the lowest value where ≥ 50 % of results are at least
    # related on every set (ESCO binds: 0.529), weak = the highest where ≤ 10 % are (ESCO binds: 0.396).
    # The unadapted model scores on another scale: re-measure before using these with it.
    strength_strong: float = 0.53
    strength_weak: float = 0.39
