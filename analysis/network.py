"""The stakeholder network (methodology §4): who worked with whom on city development, across sectors.

Each reported tie (``ego`` worked with ``alter``, ``rarely`` / ``monthly`` / ``weekly``) becomes an edge of
an undirected graph; an edge's ``weight`` is the sum of the frequency weights (1 / 2 / 3) over every
respondent who reported it, in either direction. Self-ties are dropped. Every actor that could be named is a
node (with its ``sector``), so a sector nobody worked with shows as left out.

The measures count edges, not weights (the check values of the methodology are unweighted):

- density ``2m / (n(n − 1))``; degree centrality ``deg / (n − 1)``; betweenness (normalised, networkx);
- Krackhardt's E-I index over sectors ``(external − internal) / (external + internal)``: +1 when every tie
  crosses sectors, −1 when none does;
- sectors none of whose actors has a tie, and actors without a tie.

E-I alone saturates: with many sectors, random mixing already gives a high E-I (about 0.72 for the 13
built-in actors). So it is read against its random-mixing expectation ``EI_rand = 1 − 2·P(internal pair)``
for the actors' sector sizes (``ei_score``, 50 at the expectation), and the share of sectors with at least
one cross-sector tie (``sector_reach``) counts the sectors left out; the network part of intersectoral
coordination is the mean of the two (check: 44.64 and 100 → 72.32 on the graph below).

>>> import pandas as pd
>>> actors = pd.DataFrame({"code": list("ABCDEF"), "sector": ["government", "government", "business",
...                        "academia", "civil_society", "international"]})
>>> ties = pd.DataFrame({"response_id": range(6), "ego": list("AAAACE"), "alter": list("BCDEDF"),
...                      "frequency": "monthly"})
>>> m = network_measures(build_network(ties, actors))
>>> m["density"], round(m["ei_index"], 3), m["degree"]["A"], m["betweenness"]["A"], m["betweenness"]["E"]
(0.4, 0.667, 0.8, 0.8, 0.4)
>>> round(m["ei_expected"], 4), round(m["ei_score"], 2), m["sector_reach"]
(0.8667, 44.64, 100.0)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from instruments.domain import NETWORK_MEASURES

from .errors import AnalysisError, quote_some, require_columns

__all__ = ["FREQUENCY_WEIGHTS", "NETWORK_MEASURES", "build_network", "ei_expected", "ei_score", "network_measures"]

FREQUENCY_WEIGHTS = {"rarely": 1, "monthly": 2, "weekly": 3}
#: Network measures a framework indicator may use.


def build_network(ties: pd.DataFrame | None, actors: pd.DataFrame) -> nx.Graph:
    """The undirected, weighted tie graph over all actors.

    Parameters
    ----------
    ties
        Long table ``response_id, ego, alter, frequency`` ('rarely' | 'monthly' | 'weekly'); None or empty
        for a round without ties.
    actors
        ``code, sector``: every actor that could be named.

    Returns
    -------
    networkx.Graph
        Nodes carry ``sector``; edges carry ``weight`` (sum of 1/2/3 over reports) and ``reports``.
        ``graph.graph["ties_reported"]`` is the number of tie rows used (self-ties dropped).

    Raises
    ------
    AnalysisError
        An actor listed twice or without a sector, a tie naming an actor not in ``actors``, an unknown
        frequency.

    Examples
    --------
    >>> import pandas as pd
    >>> actors = pd.DataFrame({"code": ["a", "b"], "sector": ["government", "business"]})
    >>> ties = pd.DataFrame({"response_id": [1, 2, 3], "ego": ["a", "b", "a"], "alter": ["b", "a", "a"],
    ...                      "frequency": ["weekly", "rarely", "monthly"]})
    >>> graph = build_network(ties, actors)
    >>> graph["a"]["b"]["weight"], graph.number_of_edges()
    (4, 1)
    """
    require_columns(actors, "actors", ["code", "sector"])
    codes = actors["code"].astype(str)
    if codes.duplicated().any():
        raise AnalysisError(f"`actors` lists actor(s) {quote_some(codes[codes.duplicated()].unique())} twice")
    no_sector = actors["sector"].isna() | (actors["sector"].astype(str).str.strip() == "")
    if no_sector.any():
        raise AnalysisError(f"actor(s) {quote_some(codes[no_sector])} have no sector")
    graph = nx.Graph()
    graph.add_nodes_from((c, {"sector": str(s)}) for c, s in zip(codes, actors["sector"], strict=True))
    graph.graph["ties_reported"] = 0
    if ties is None or len(ties) == 0:
        return graph
    require_columns(ties, "ties", ["ego", "alter", "frequency"])
    ego = ties["ego"].astype(str).to_numpy()
    alter = ties["alter"].astype(str).to_numpy()
    known = set(codes)
    for column, values in (("ego", ego), ("alter", alter)):
        unknown = ~pd.Series(values).isin(known).to_numpy()
        if unknown.any():
            rows = ties.index[unknown]
            raise AnalysisError(
                f"ties: {column} {quote_some(sorted(set(values[unknown])))} (row(s) {quote_some(rows)}) "
                "is not an actor in `actors`"
            )
    frequency = ties["frequency"].map(FREQUENCY_WEIGHTS)
    bad = frequency.isna().to_numpy()
    if bad.any():
        raise AnalysisError(
            f"ties: frequency {quote_some(sorted(set(ties['frequency'].astype(str)[bad])))} (row(s) "
            f"{quote_some(ties.index[bad])}) is not one of {', '.join(FREQUENCY_WEIGHTS)}"
        )
    keep = ego != alter
    low = np.where(ego < alter, ego, alter)[keep]
    high = np.where(ego < alter, alter, ego)[keep]
    edges = (
        pd.DataFrame({"u": low, "v": high, "weight": frequency.to_numpy(dtype=float)[keep]})
        .groupby(["u", "v"], sort=True)["weight"]
        .agg(["sum", "size"])
    )
    graph.add_edges_from(
        (u, v, {"weight": int(w), "reports": int(n)})
        for (u, v), w, n in zip(edges.index, edges["sum"], edges["size"], strict=True)
    )
    graph.graph["ties_reported"] = int(keep.sum())
    return graph


def ei_expected(sectors: list[Any]) -> float | None:
    """The E-I index that random mixing gives for these actors' sectors, ``1 − 2·P(internal pair)`` (§4).

    >>> round(ei_expected(["gov", "gov", "c", "d", "e", "f"]), 4)
    0.8667
    """
    n = len(sectors)
    if n < 2:
        return None
    sizes = pd.Series(sectors).value_counts().to_numpy()
    internal = float((sizes * (sizes - 1)).sum()) / (n * (n - 1))
    return 1.0 - 2.0 * internal


def ei_score(ei: float, expected: float) -> float:
    """The E-I index on 0–100 read against its random-mixing expectation (§4): 50 at the expectation, 100 at
    +1 and 0 at −1, linear on each side.

    >>> round(ei_score(4 / 6, 13 / 15), 2), ei_score(1.0, 0.5), ei_score(-1.0, 0.5)
    (44.64, 100.0, 0.0)
    """
    if ei >= expected:
        return 100.0 if expected >= 1.0 else 50.0 + 50.0 * (ei - expected) / (1.0 - expected)
    return 50.0 * (ei + 1.0) / (expected + 1.0)


def network_measures(graph: nx.Graph) -> dict[str, Any]:
    """Density, degree and betweenness centrality, E-I index and the sectors left out.

    Parameters
    ----------
    graph
        From :func:`build_network` (nodes with ``sector``).

    Returns
    -------
    dict
        ``nodes``, ``edges``, ``density``, ``ei_index``, ``ei_expected`` (under random mixing), ``ei_score``
        (0–100, against that expectation), ``sector_reach`` (% of sectors with a cross-sector tie),
        ``sectors_crossing``, ``external_ties``, ``internal_ties``, ``degree`` and ``betweenness``
        ({actor: value}), ``sectors``, ``sectors_without_ties``, ``isolates`` and ``missing`` ({measure:
        reason} for measures that are None). Unrounded floats.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph()
    >>> g.add_nodes_from([("a", {"sector": "government"}), ("b", {"sector": "business"}),
    ...                   ("c", {"sector": "business"})])
    >>> g.add_edge("a", "b")
    >>> m = network_measures(g)
    >>> round(m["density"], 3), m["ei_index"], m["sectors_without_ties"], m["isolates"]
    (0.333, 1.0, [], ['c'])
    """
    n = graph.number_of_nodes()
    m = graph.number_of_edges()
    missing: dict[str, str] = {}
    sector = nx.get_node_attributes(graph, "sector")
    density = None
    if n < 2:
        missing["density"] = "fewer than 2 actors"
    else:
        density = 2.0 * m / (n * (n - 1))
    external = sum(1 for u, v in graph.edges() if sector.get(u) != sector.get(v))
    internal = m - external
    ei_index = None
    if m == 0:
        missing.update(ei_index="no ties", ei_score="no ties", sector_reach="no ties")
    else:
        ei_index = (external - internal) / m
    expected = ei_expected(list(sector.values()))
    crossing = {sector[u] for u, v in graph.edges() if sector[u] != sector[v]}
    crossing |= {sector[v] for u, v in graph.edges() if sector[u] != sector[v]}
    degree = (
        {str(k): float(v) for k, v in nx.degree_centrality(graph).items()}
        if n > 1
        else {str(k): 0.0 for k in graph.nodes}
    )
    betweenness = {str(k): float(v) for k, v in nx.betweenness_centrality(graph, normalized=True).items()}
    sectors = sorted(set(sector.values()))
    tied_sectors = {sector[u] for u, v in graph.edges()} | {sector[v] for u, v in graph.edges()}
    return {
        "nodes": n,
        "edges": m,
        "density": density,
        "ei_index": ei_index,
        "ei_expected": expected,
        "ei_score": None if ei_index is None or expected is None else ei_score(ei_index, expected),
        "sector_reach": 100.0 * len(crossing) / len(set(sector.values())) if m and sector else None,
        "sectors_crossing": sorted(crossing),
        "external_ties": external,
        "internal_ties": internal,
        "degree": degree,
        "betweenness": betweenness,
        "sectors": sectors,
        "sectors_without_ties": [s for s in sectors if s not in tied_sectors],
        "isolates": sorted(str(a) for a in nx.isolates(graph)),
        "ties_reported": int(graph.graph.get("ties_reported", 0)),
        "missing": missing,
    }


def graph_view(graph: nx.Graph, labels: Mapping[str, Any] | None = None) -> dict[str, list[dict[str, Any]]]:
    """Nodes (code, sector, label) and weighted edges of the network, for drawing; a node without a label
    is labelled by its code."""
    labels = labels or {}
    nodes = [
        {"code": str(n), "sector": data.get("sector"), "label": labels.get(n) or {"en": str(n)}}
        for n, data in graph.nodes(data=True)
    ]
    edges = [
        {"source": str(a), "target": str(b), "weight": float(data.get("weight", 1))}
        for a, b, data in graph.edges(data=True)
    ]
    return {"nodes": nodes, "edges": edges}
