"""Result dicts of the shape `survey_app.reports.scoring.round_result` returns, for three cities.

Realistic values after paper 000: Shu is the most ready (about 43, medium); Ayagoz and Shalkar are low;
all three are weak on environmental sustainability and public-private partnership. Shalkar's international
partners are a suppressed cell (n = 3); Ayagoz has a missing dimension (environmental sustainability,
coverage 0.5) and no reference-standard rating; Shu has a previous round.
"""

from __future__ import annotations

import copy

DIMENSION_LABELS = {
    "digital_infrastructure": {"kk": "Цифрлық инфрақұрылым", "ru": "Цифровая инфраструктура",
                               "en": "Digital infrastructure"},
    "economic_potential": {"kk": "Экономикалық әлеует", "ru": "Экономический потенциал",
                           "en": "Economic potential"},
    "environmental_sustainability": {"kk": "Экологиялық тұрақтылық", "ru": "Экологическая устойчивость",
                                     "en": "Environmental sustainability"},
    "public_private_partnership": {"kk": "Мемлекеттік-жекешелік әріптестік",
                                   "ru": "Государственно-частное партнёрство",
                                   "en": "Public-private partnership"},
    "governance": {"kk": "Басқару", "ru": "Управление", "en": "Governance"},
    "stakeholder_engagement": {"kk": "Мүдделі тараптардың қатысуы",
                               "ru": "Вовлечённость заинтересованных сторон", "en": "Stakeholder engagement"},
}

INDICATORS = {
    "digital_infrastructure": [
        ("broadband_households", {"kk": "Кеңжолақты интернеті бар үй шаруашылықтары, %",
                                  "ru": "Домохозяйства с широкополосным интернетом, %",
                                  "en": "Households with broadband, %"}, "infrastructure"),
        ("egov_services_share", {"kk": "Онлайн көрсетілетін мемлекеттік қызметтер, %",
                                 "ru": "Госуслуги, оказываемые онлайн, %",
                                 "en": "Public services delivered online, %"}, "infrastructure"),
        ("digital_access", {"kk": "Цифрлық қолжетімділік (сауалнама)", "ru": "Цифровая доступность (опрос)",
                            "en": "Digital access (survey)"}, "survey"),
    ],
    "economic_potential": [
        ("smes_per_1000", {"kk": "1000 тұрғынға шаққандағы шағын және орта бизнес",
                           "ru": "МСБ на 1000 жителей", "en": "SMEs per 1,000 residents"}, "infrastructure"),
        ("unemployment_rate", {"kk": "Жұмыссыздық деңгейі, %", "ru": "Уровень безработицы, %",
                               "en": "Unemployment rate, %"}, "infrastructure"),
    ],
    "environmental_sustainability": [
        ("pm25", {"kk": "PM2.5, мкг/м³", "ru": "PM2.5, мкг/м³", "en": "PM2.5, µg/m³"}, "infrastructure"),
        ("waste_sorted_share", {"kk": "Сұрыпталған қалдықтар, %", "ru": "Доля сортируемых отходов, %",
                                "en": "Waste sorted, %"}, "infrastructure"),
        ("environment_quality", {"kk": "Қоршаған орта сапасы (сауалнама)",
                                 "ru": "Качество окружающей среды (опрос)",
                                 "en": "Environmental quality (survey)"}, "survey"),
    ],
    "public_private_partnership": [
        ("ppp_projects", {"kk": "МЖӘ жобаларының саны", "ru": "Число проектов ГЧП", "en": "PPP projects"},
         "infrastructure"),
        ("ppp_readiness", {"kk": "МЖӘ-ге дайындық (сауалнама)", "ru": "Готовность к ГЧП (опрос)",
                           "en": "PPP readiness (survey)"}, "survey"),
    ],
    "governance": [
        ("governance_constructs", {"kk": "Басқару көрсеткіштері (сауалнама)",
                                   "ru": "Показатели управления (опрос)",
                                   "en": "Governance constructs (survey)"}, "survey"),
        ("open_data_portal", {"kk": "Ашық деректер порталы", "ru": "Портал открытых данных",
                              "en": "Open data portal"}, "yesno"),
    ],
    "stakeholder_engagement": [
        ("engagement_constructs", {"kk": "Қатысу көрсеткіштері (сауалнама)",
                                   "ru": "Показатели вовлечённости (опрос)",
                                   "en": "Engagement constructs (survey)"}, "survey"),
        ("network_density", {"kk": "Желі тығыздығы", "ru": "Плотность сети", "en": "Network density"},
         "network"),
    ],
}

GROUPS = ("residents", "business", "academia", "civil_society", "government", "international")
ENGAGEMENT = ("public_engagement", "trust", "intersectoral_coordination", "mobilisation")
GOVERNANCE = ("admin_capacity", "funding_consistency", "legal_clarity", "digital_governance")

ACTORS = [
    ("akimat", "government", {"kk": "Қала әкімдігі", "ru": "Акимат города", "en": "City akimat"}),
    ("digital_office", "government", {"kk": "Цифрландыру бөлімі", "ru": "Отдел цифровизации",
                                      "en": "Digitalisation office"}),
    ("chamber", "business", {"kk": "«Атамекен» кәсіпкерлер палатасы", "ru": "Палата предпринимателей «Атамекен»",
                             "en": "Atameken chamber"}),
    ("telecom", "business", {"kk": "Байланыс операторы", "ru": "Оператор связи", "en": "Telecom operator"}),
    ("college", "academia", {"kk": "Көпсалалы колледж", "ru": "Многопрофильный колледж",
                             "en": "Multidisciplinary college"}),
    ("ngo_youth", "civil_society", {"kk": "Жастар ресурстық орталығы", "ru": "Молодёжный ресурсный центр",
                                    "en": "Youth resource centre"}),
    ("ngo_eco", "civil_society", {"kk": "Экологиялық қоғамдық бірлестік",
                                  "ru": "Экологическое общественное объединение", "en": "Environmental NGO"}),
    ("undp", "international", {"kk": "БҰҰДБ", "ru": "ПРООН", "en": "UNDP"}),
    ("residents", "residents", {"kk": "Тұрғындар", "ru": "Жители", "en": "Residents"}),
]


def _dimension(code, score, coverage, weight, year_missing=None, values=None):
    indicators = []
    for i, (icode, label, source) in enumerate(INDICATORS[code]):
        if year_missing and i in year_missing:
            indicators.append({"code": icode, "label": label, "source": source,
                               "missing": "no value reported for this year"})
            continue
        value = (values or {}).get(icode, round((score or 30) + 7 * (i - 1), 1))
        indicators.append({"code": icode, "label": label, "value": value,
                           "normalised": round(min(100.0, max(0.0, value)), 1),
                           "weight": round(1 / len(INDICATORS[code]), 4), "source": source})
    dim = {"score": score, "weight": weight, "coverage": coverage, "label": DIMENSION_LABELS[code],
           "indicators": indicators}
    if score is None:
        dim["missing"] = "coverage below 2/3"
    return dim


def _constructs(base: float, suppressed: dict[str, int] | None = None, spread: float = 1.0):
    out = {}
    offsets = {"residents": 0.0, "business": 4.0, "academia": -6.0, "civil_society": -3.0, "government": 8.0,
               "international": -9.0}
    construct_offsets = {"public_engagement": 2.0, "trust": -1.0, "intersectoral_coordination": 3.0,
                         "mobilisation": -7.0, "admin_capacity": 1.0, "funding_consistency": -8.0,
                         "legal_clarity": -2.0, "digital_governance": 4.0, "digital_access": 6.0,
                         "ppp_readiness": -12.0, "environment_quality": -10.0}
    ns = {"residents": 120, "business": 22, "academia": 12, "civil_society": 14, "government": 17,
          "international": 7}
    for construct, c_off in construct_offsets.items():
        cells = {}
        for group in GROUPS:
            if suppressed and group in suppressed:
                cells[group] = {"suppressed": True, "n": suppressed[group]}
                continue
            n = ns[group]
            score = round(base + spread * (offsets[group] + c_off), 1)
            half = round(1.96 * 18.0 / n ** 0.5, 1)
            cells[group] = {"score": score, "ci95": [round(score - half, 1), round(score + half, 1)], "n": n,
                            "alpha": 0.78}
        out[construct] = cells
    return out


def _graph(isolated: tuple[str, ...]):
    nodes = []
    edges = []
    kept = [a for a in ACTORS if a[1] not in isolated]
    pairs = [("akimat", "digital_office", 5), ("akimat", "chamber", 3), ("akimat", "college", 2),
             ("akimat", "residents", 4), ("digital_office", "telecom", 3), ("chamber", "telecom", 2),
             ("ngo_youth", "akimat", 2), ("ngo_eco", "ngo_youth", 1), ("college", "ngo_youth", 1),
             ("undp", "akimat", 1), ("residents", "ngo_eco", 1)]
    codes = {a[0] for a in kept}
    for a, b, w in pairs:
        if a in codes and b in codes:
            edges.append({"source": a, "target": b, "weight": w})
    degree = {c: 0 for c in codes}
    for e in edges:
        degree[e["source"]] += 1
        degree[e["target"]] += 1
    for code, sector, label in ACTORS:
        d = degree.get(code, 0)
        nodes.append({"code": code, "sector": sector, "label": label, "degree": round(d / (len(ACTORS) - 1), 3),
                      "betweenness": round(0.6 if code == "akimat" else 0.05 * d, 3)})
    return {"nodes": nodes, "edges": edges}


def _groups(sizes: dict[str, int]):
    targets = {"residents": 150, "business": 25, "academia": 15, "civil_society": 15, "government": 20,
               "international": 10}
    return {g: {"n": n, "n_effective": round(n / 1.17, 1) if g == "residents" else float(n), "completed": n,
                "target": targets[g]} for g, n in sizes.items()}


def _annex(groups: dict, alphas_base: float, p05: float, p95: float, coverage: float, k_min_group=None):
    return {
        "groups": {g: {"n": v["n"], "completed": v["completed"], "target": v["target"],
                       "response_rate": round(v["completed"] / v["target"], 3)} for g, v in groups.items()},
        "alphas": {c: round(alphas_base + 0.01 * i, 2) for i, c in enumerate(ENGAGEMENT + GOVERNANCE)},
        "weights": {"deff": 1.17, "n_effective": round(groups["residents"]["n"] / 1.17, 1)},
        "coverage": coverage,
        "sensitivity": {"score_p05": p05, "score_p95": p95},
    }


def _refstd(city: str, areas: dict[str, float], s_pa, s_add, s_ict, c_pa, c_add, c_ict, rank):
    total = c_pa + c_add + c_ict
    return {"city": city, "areas": areas, "s_priority": s_pa, "s_additional": s_add, "s_ict": s_ict,
            "c_priority": c_pa, "c_additional": c_add, "c_ict": c_ict, "total_points": total,
            "ct_percent": round(total / 25 * 100, 2),
            "weighted_mean_percent": round((2 * s_pa + s_add + 2 * s_ict) / 5, 2), "rank": rank}


def _shu():
    groups = _groups({"residents": 124, "business": 24, "academia": 14, "civil_society": 16, "government": 18,
                      "international": 8})
    dims = {
        "digital_infrastructure": _dimension("digital_infrastructure", 58.4, 1.0, 0.1667),
        "economic_potential": _dimension("economic_potential", 51.2, 1.0, 0.1667),
        "environmental_sustainability": _dimension("environmental_sustainability", 27.9, 1.0, 0.1667),
        "public_private_partnership": _dimension("public_private_partnership", 24.6, 1.0, 0.1667),
        "governance": _dimension("governance", 44.3, 1.0, 0.1667),
        "stakeholder_engagement": _dimension("stakeholder_engagement", 52.0, 0.75, 0.1667, year_missing={1}),
    }
    return {
        "round": "shu-2025", "city": "Shu", "city_names": {"kk": "Шу", "ru": "Шу", "en": "Shu"}, "year": 2025,
        "scri": {"score": 43.1, "level": "medium", "coverage": 0.96},
        "dimensions": dims,
        "groups": groups,
        "constructs": _constructs(47.0),
        "subscores": {"stakeholder_engagement": 46.2, "governance": 44.3},
        "network": {"density": 0.306, "ei_index": 0.636, "nodes": 9, "edges": 11, "graph": _graph(()),
                    "isolated_sectors": []},
        "sensitivity": {"score_p05": 40.6, "score_p95": 45.8},
        "refstd": _refstd("Shu", {"urban_management": 57.1, "health": 50.0, "education": 83.3, "security": 40.0,
                                  "housing_communal": 33.3, "transport": 25.0, "social": 40.0, "ecology": 0.0,
                                  "business_tourism": 20.0, "construction": 50.0, "agriculture": 16.7,
                                  "ict": 62.5},
                          48.12, 25.34, 62.5, 6, 2, 8, 1),
        "previous": {"round": "shu-2024", "year": 2024, "scri": {"score": 40.8, "level": "medium"},
                     "dimensions": {"digital_infrastructure": 55.0, "economic_potential": 50.1,
                                    "environmental_sustainability": 28.4, "public_private_partnership": 20.2,
                                    "governance": 41.0, "stakeholder_engagement": 49.5}},
        "change": {"scri": 2.3, "dimensions": {"digital_infrastructure": 3.4, "economic_potential": 1.1,
                                               "environmental_sustainability": -0.5,
                                               "public_private_partnership": 4.4, "governance": 3.3,
                                               "stakeholder_engagement": 2.5}},
        "annex": _annex(groups, 0.78, 40.6, 45.8, 0.96),
    }


def _ayagoz():
    groups = _groups({"residents": 118, "business": 20, "academia": 10, "civil_society": 12, "government": 16,
                      "international": 6})
    dims = {
        "digital_infrastructure": _dimension("digital_infrastructure", 41.7, 1.0, 0.2),
        "economic_potential": _dimension("economic_potential", 39.5, 1.0, 0.2),
        "environmental_sustainability": _dimension("environmental_sustainability", None, 0.5, 0.0,
                                                   year_missing={0, 1}),
        "public_private_partnership": _dimension("public_private_partnership", 18.9, 1.0, 0.2),
        "governance": _dimension("governance", 35.2, 1.0, 0.2),
        "stakeholder_engagement": _dimension("stakeholder_engagement", 33.8, 1.0, 0.2),
    }
    return {
        "round": "ayagoz-2025", "city": "Ayagoz", "city_names": {"kk": "Аягөз", "ru": "Аягоз", "en": "Ayagoz"},
        "year": 2025,
        "scri": {"score": 33.8, "level": "low", "coverage": 0.83},
        "dimensions": dims,
        "groups": groups,
        "constructs": _constructs(36.0),
        "subscores": {"stakeholder_engagement": 33.8, "governance": 35.2},
        "network": {"density": 0.194, "ei_index": 0.5, "nodes": 7, "edges": 6,
                    "graph": _graph(("international", "academia")),
                    "isolated_sectors": ["academia", "international"]},
        "sensitivity": {"score_p05": 31.2, "score_p95": 36.5},
        "refstd": None,
        "previous": None,
        "change": None,
        "annex": _annex(groups, 0.74, 31.2, 36.5, 0.83),
    }


def _shalkar():
    groups = _groups({"residents": 121, "business": 18, "academia": 11, "civil_society": 10, "government": 14,
                      "international": 3})
    dims = {
        "digital_infrastructure": _dimension("digital_infrastructure", 36.3, 1.0, 0.1667),
        "economic_potential": _dimension("economic_potential", 34.8, 1.0, 0.1667),
        "environmental_sustainability": _dimension("environmental_sustainability", 21.4, 0.67, 0.1667,
                                                   year_missing={1}),
        "public_private_partnership": _dimension("public_private_partnership", 15.2, 1.0, 0.1667),
        "governance": _dimension("governance", 31.9, 1.0, 0.1667),
        "stakeholder_engagement": _dimension("stakeholder_engagement", 29.7, 1.0, 0.1667),
    }
    return {
        "round": "shalkar-2025", "city": "Shalkar",
        "city_names": {"kk": "Шалқар", "ru": "Шалкар", "en": "Shalkar"}, "year": 2025,
        "scri": {"score": 28.2, "level": "low", "coverage": 0.94},
        "dimensions": dims,
        "groups": groups,
        "constructs": _constructs(31.0, suppressed={"international": 3}),
        "subscores": {"stakeholder_engagement": 29.7, "governance": 31.9},
        "network": {"density": 0.222, "ei_index": 0.429, "nodes": 8, "edges": 8, "graph": _graph(("international",)),
                    "isolated_sectors": ["international"]},
        "sensitivity": {"score_p05": 25.9, "score_p95": 30.4},
        "refstd": _refstd("Shalkar", {"urban_management": 28.6, "health": 33.3, "education": 66.7,
                                      "security": 20.0, "housing_communal": 16.7, "transport": 0.0,
                                      "social": 20.0, "ecology": 0.0, "business_tourism": 0.0,
                                      "construction": 25.0, "agriculture": 0.0, "ict": 37.5},
                          27.55, 9.0, 37.5, 4, 1, 4, 3),
        "previous": None,
        "change": None,
        "annex": _annex(groups, 0.71, 25.9, 30.4, 0.94),
    }


_BUILDERS = {"shu-2025": _shu, "ayagoz-2025": _ayagoz, "shalkar-2025": _shalkar}
ROUNDS = tuple(_BUILDERS)


def city_result(slug: str = "shu-2025") -> dict:
    """A fresh copy of one city's result (tests may change it freely)."""
    return copy.deepcopy(_BUILDERS[slug]())


def all_results() -> list[dict]:
    return [city_result(slug) for slug in ROUNDS]


def comparison(results: list[dict] | None = None) -> dict:
    """The shape of `city_comparison(rounds)`: per city, the rank and its stability over the Monte Carlo."""
    results = results or all_results()
    stability = {"shu-2025": {1: 0.97, 2: 0.03}, "ayagoz-2025": {2: 0.88, 1: 0.02, 3: 0.10},
                 "shalkar-2025": {3: 0.90, 2: 0.10}}
    ordered = sorted(results, key=lambda r: -(r["scri"]["score"] or 0))
    cities = []
    for rank, r in enumerate(ordered, start=1):
        cities.append({"round": r["round"], "city": r["city"], "rank": rank,
                       "rank_probabilities": stability.get(r["round"], {rank: 1.0}),
                       "rank_stability": stability.get(r["round"], {rank: 1.0}).get(rank, 1.0),
                       "rank_min": min(stability.get(r["round"], {rank: 1.0})),
                       "rank_max": max(stability.get(r["round"], {rank: 1.0})),
                       "scri": r["scri"], "score_p05": r["sensitivity"]["score_p05"],
                       "score_p95": r["sensitivity"]["score_p95"]})
    return {"rounds": [r["round"] for r in results], "cities": cities,
            "monte_carlo": {"n": 1000, "seed": 20250601, "noise": 0.25}}


# ------------------------------------------------------------------------ the analysis layer's own shape

SYNTHETIC = {
    "shu-2025": ("Shu", {"kk": "Шу", "ru": "Шу", "en": "Shu"}, 0.55,
                 {"residents": 124, "business": 24, "academia": 14, "civil_society": 16, "government": 18,
                  "international": 8}),
    "ayagoz-2025": ("Ayagoz", {"kk": "Аягөз", "ru": "Аягоз", "en": "Ayagoz"}, 0.42,
                    {"residents": 118, "business": 20, "academia": 10, "civil_society": 12, "government": 16,
                     "international": 6}),
    "shalkar-2025": ("Shalkar", {"kk": "Шалқар", "ru": "Шалкар", "en": "Shalkar"}, 0.36,
                     {"residents": 121, "business": 18, "academia": 11, "civil_society": 10, "government": 14,
                      "international": 3}),
}


def analysis_result(slug: str = "shalkar-2025", *, n_boot: int = 0, n_draws: int = 200) -> dict:
    """A result computed by the analysis layer itself on synthetic frames, decorated the way
    `scoring.round_result` decorates it (labels, network graph, annex) — the real shape, without a database."""
    from analysis import score_round
    from analysis.synthetic import synthetic_round
    from instruments.frameworks import load_framework

    city, names, readiness, sizes = SYNTHETIC[slug]
    frames = synthetic_round(sizes, readiness=readiness, seed=7, year=2025)
    framework = load_framework()
    result = score_round(frames["responses"], frames["answers"], frames["items"], framework,
                         ties=frames["ties"], actors=frames["actors"], indicators=frames["indicators"],
                         round_slug=slug, city=city, targets=frames["targets"], counts=frames["counts"],
                         census_margins=frames["census_margins"], n_boot=n_boot, n_draws=n_draws)
    result["city_names"] = names
    result["year"] = 2025
    for code, dim in result["dimensions"].items():
        definition = framework.dimension(code)
        if definition is not None:
            dim["label"] = definition.label
    actors = frames["actors"]
    result["network"]["graph"] = {
        "nodes": [{"code": row.code, "sector": row.sector, "label": {"en": row.code}} for row in actors.itertuples()],
        "edges": [{"source": a, "target": b, "weight": 1.0}
                  for a, b in sorted({tuple(sorted((t.ego, t.alter))) for t in frames["ties"].itertuples()})],
    }
    result["network"]["isolated_sectors"] = result["network"].get("sectors_without_ties", [])
    result["refstd"] = None
    result["previous"] = None
    result.setdefault("change", None)
    groups = {g: {**info, "response_rate": round(info["completed"] / info["target"], 3) if info.get("target") else None}
              for g, info in result["groups"].items()}
    result["annex"] = {"groups": groups, "weighting": result.get("weighting"), "sensitivity": result.get("sensitivity"),
                       "k_min": result.get("k_min")}
    return result
