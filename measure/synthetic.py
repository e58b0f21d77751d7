"""Realistic synthetic reports for benchmarks: invented but plausible issuers, consistent tables, varied prose.

Every report satisfies the checking relations of §9 (so the parser's "verified" path is what is
measured), uses the 2019 format for report years 2019–2020 and the 2021 format from 2021, and is
laid out in one of the text shapes real scraped reports have: space-separated rows, one value per
line, or tab-separated grid rows. A pure function of its seed.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from ingest.schema import T2_ROWS, T3_COLUMNS, T4_BLOCKS, T4_COLUMNS, t2_columns, t3_rows

_PROVINCES = ["福建省", "江苏省", "广东省", "浙江省", "四川省", "湖南省", "山东省", "河南省", "云南省", "甘肃省"]
_SYLLABLES = list("东西南北安宁平和新兴永昌德清河山湖江海阳城泉林石桥川溪岭源丰华兰云龙凤庆泰康福")
_TOWN_SUFFIX = ["镇", "乡", "街道"]
_BODIES = ["人民政府", "人民政府办公室", "财政局", "教育局", "卫生健康委员会", "市场监督管理局", "自然资源局", "民政局"]
_OPENERS = [
    "{year}年，{short}认真贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外。",
    "{year}年，在上级的正确领导下，{short}不断健全政务公开工作机制，推动政府信息公开工作高质量发展。",
    "{year}年，{short}紧紧围绕中心工作，扎实推进决策、执行、管理、服务、结果“五公开”。",
]
_PRACTICES = [
    "建立信息发布审核机制，严格执行“先审查、后公开”和“一事一审”制度。",
    "在政务服务中心设立政府信息公开查询点，配备专门电脑及工作人员。",
    "开展政务公开业务培训{train}次，培训人员{people}人次。",
    "通过政务微信公众号发布信息{wechat}条，政务微博发布信息{weibo}条。",
    "组织召开新闻发布会{press}场，发布政策解读材料{interp}篇。",
    "将政务公开工作纳入年度绩效考核，细化量化考核内容。",
    "对政府网站开展常态化巡查，及时整改发现的问题{fix}个。",
]
_PROBLEMS = [
    "一是政务公开工作人员多为兼职，业务能力有待提升。",
    "二是政策解读形式较为单一，解读的针对性和通俗性不足。",
    "三是依申请公开办理的规范化水平仍需提高。",
    "四是基层政务公开标准化规范化建设推进不平衡。",
    "五是政务新媒体更新不够及时，互动回应有待加强。",
]


@dataclass
class Synthetic:
    filename: str
    text: str
    issuer: str
    year: int
    received_total: int
    truth: dict[str, str] = field(default_factory=dict)  # "t3/t3.granted:total" -> "12": every T2/T3/T4 cell


def _name(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(n))


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    bounds = [0, *cuts, total]
    return [b - a for a, b in zip(bounds, bounds[1:], strict=False)]


def _t3(rng: random.Random, generation: str) -> dict[str, list[int]]:
    """T3 values satisfying relations 1–3: rows sum to 总计, outcomes sum to （七）, 一+二 = （七）+四."""
    rows = [r.id for r in t3_rows(generation) if r.is_data]
    outcome_rows = [
        r for r in rows if r not in ("t3.new_received", "t3.carried_over", "t3.total_processed", "t3.carried_forward")
    ]
    cols = len(T3_COLUMNS) - 1
    scale = rng.choice([3, 10, 40, 200, 1500])
    values: dict[str, list[int]] = {r: [0] * cols for r in rows}
    for c in range(cols):
        weight = [1.0, 0.3, 0.02, 0.03, 0.05, 0.05][c]
        new = int(rng.expovariate(1 / (scale * weight))) if rng.random() < 0.9 or c == 0 else 0
        carried_over = rng.randint(0, max(0, new // 20))
        carried_forward = rng.randint(0, max(0, (new + carried_over) // 15))
        processed = new + carried_over - carried_forward
        weights = [rng.random() ** 3 for _ in outcome_rows]
        weights[0] += 2.0  # 予以公开 dominates
        total_w = sum(weights)
        shares = [int(processed * w / total_w) for w in weights]
        shares[0] += processed - sum(shares)
        for r, v in zip(outcome_rows, shares, strict=True):
            values[r][c] = v
        values["t3.new_received"][c] = new
        values["t3.carried_over"][c] = carried_over
        values["t3.total_processed"][c] = processed
        values["t3.carried_forward"][c] = carried_forward
    return {r: v + [sum(v)] for r, v in values.items()}


def _t4(rng: random.Random, scale: int) -> list[int]:
    out = []
    for _ in T4_BLOCKS:
        parts = [rng.randint(0, max(0, scale // 50)) if rng.random() < 0.5 else 0 for _ in range(4)]
        out += parts + [sum(parts)]
    return out


def _row(label: str, values: list, layout: str) -> str:
    vals = [str(v) for v in values]
    if layout == "lines":
        return "\n\n".join([label, *vals])
    if layout == "tabs":
        return "\t".join([label, *vals])
    return " ".join([label, *vals])


def generate(seed: int) -> Synthetic:
    rng = random.Random(seed)
    province = rng.choice(_PROVINCES)
    city = _name(rng, 2) + "市"
    county = _name(rng, 2) + rng.choice(["县", "区"])
    level = rng.random()
    if level < 0.35:
        issuer = county + rng.choice(_BODIES)
    elif level < 0.7:
        issuer = (
            city + county + _name(rng, 2) + rng.choice(_TOWN_SUFFIX) + ("人民政府" if rng.random() < 0.6 else "办事处")
        )
    else:
        issuer = city + rng.choice(_BODIES)
    year = rng.randint(2019, 2024)
    gen = "2019" if year <= 2020 else "2021"
    layout = rng.choice(["spaces", "spaces", "lines", "tabs"])
    short = "我" + ("镇" if "镇" in issuer else "县" if "县" in issuer else "区" if "区" in issuer else "局")
    t3 = _t3(rng, gen)
    received = t3["t3.new_received"][-1]
    proactive = rng.randint(30, 8000)
    p = lambda s: s.format(  # noqa: E731
        year=year,
        short=short,
        train=rng.randint(1, 12),
        people=rng.randint(10, 800),
        wechat=rng.randint(10, 900),
        weibo=rng.randint(0, 500),
        press=rng.randint(1, 20),
        interp=rng.randint(2, 60),
        fix=rng.randint(1, 40),
    )
    lines = [
        f"{issuer}{year}年政府信息公开工作年度报告",
        f"发布时间：{year + 1}-0{rng.randint(1, 3)}-{rng.randint(10, 28)}",
        "",
        f"本报告依据《中华人民共和国政府信息公开条例》和《{province[:-1]}政府信息公开办法》编制。本报告所列数据的统计期限自{year}年1月1日至{year}年12月31日。"
        f"如对本报告有疑问，请联系{issuer}办公室，联系电话：0{rng.randint(100, 999)}-{rng.randint(1000000, 9999999)}。",
        "",
        "一、总体情况",
        "",
        p(rng.choice(_OPENERS)),
        "",
        "（一）主动公开情况",
        "",
        f"全年共主动公开政府信息{proactive}条。" + p(rng.choice(_PRACTICES)),
        "",
        "（二）依申请公开情况",
        "",
        f"全年共受理政府信息公开申请{received + (rng.choice([0, 0, 0, 0, 1]))}件，均在法定期限内予以答复。",
        "",
        "（三）政府信息管理",
        "",
        p(rng.choice(_PRACTICES)) + p(rng.choice(_PRACTICES)),
        "",
        "二、主动公开政府信息情况",
        "",
    ]
    if gen == "2021":
        t2 = [
            ("第二十条第（一）项", None),
            ("信息内容 本年制发件数 本年废止件数 现行有效件数", None),
            ("规章", [rng.randint(0, 3), rng.randint(0, 2), rng.randint(0, 20)]),
            ("行政规范性文件", [rng.randint(0, 30), rng.randint(0, 10), rng.randint(5, 200)]),
            ("第二十条第（五）项", None),
            ("信息内容 本年处理决定数量", None),
            ("行政许可", [rng.randint(0, 90000)]),
            ("第二十条第（六）项", None),
            ("信息内容 本年处理决定数量", None),
            ("行政处罚", [rng.randint(0, 50000)]),
            ("行政强制", [rng.randint(0, 3000)]),
            ("第二十条第（八）项", None),
            ("信息内容 本年收费金额（单位：万元）", None),
            ("行政事业性收费", [round(rng.uniform(0, 5000), rng.randint(0, 4))]),
        ]
    else:
        t2 = [
            ("第二十条第（一）项", None),
            ("信息内容 本年新制作数量 本年新公开数量 对外公开总数量", None),
            ("规章", [0, 0, rng.randint(0, 10)]),
            ("规范性文件", [n := rng.randint(0, 30), n, rng.randint(n, 200)]),
            ("第二十条第（五）项", None),
            ("信息内容 上一年项目数量 本年增/减 处理决定数量", None),
            ("行政许可", [rng.randint(0, 300), rng.randint(-20, 20), rng.randint(0, 9000)]),
            ("其他对外管理服务事项", [rng.randint(0, 50), rng.randint(-5, 5), rng.randint(0, 900)]),
            ("第二十条第（六）项", None),
            ("信息内容 上一年项目数量 本年增/减 处理决定数量", None),
            ("行政处罚", [rng.randint(0, 100), rng.randint(-10, 10), rng.randint(0, 5000)]),
            ("行政强制", [rng.randint(0, 30), rng.randint(-5, 5), rng.randint(0, 300)]),
            ("第二十条第（八）项", None),
            ("信息内容 上一年项目数量 本年增/减", None),
            ("行政事业性收费", [rng.randint(0, 40), rng.randint(-3, 3)]),
            ("第二十条第（九）项", None),
            ("信息内容 采购项目数量 采购总金额", None),
            ("政府集中采购", [rng.randint(0, 60), f"{round(rng.uniform(0, 900), 2)}万元"]),
        ]
    for label, vals in t2:
        lines.append(label if vals is None else _row(label, vals, layout))
    lines += [
        "",
        "三、收到和处理政府信息公开申请情况",
        "",
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） 申请人情况",
        "自然人 法人或其他组织 总计",
        "商业企业 科研机构 社会公益组织 法律服务机构 其他",
    ]
    for r in t3_rows(gen):
        label = r.label
        if r.is_data:
            lines.append(_row(label, t3[r.id], layout))
        else:
            lines.append(label)
    t4 = _t4(rng, max(3, received))
    lines += [
        "",
        "四、政府信息公开行政复议、行政诉讼情况",
        "",
        "行政复议 行政诉讼",
        "结果维持 结果纠正 其他结果 尚未审结 总计 未经复议直接起诉 复议后起诉",
        "结果维持 结果纠正 其他结果 尚未审结 总计 结果维持 结果纠正 其他结果 尚未审结 总计",
        ("\t" if layout == "tabs" else " ").join(map(str, t4)),
        "",
        "五、存在的主要问题及改进情况",
        "",
        "".join(rng.sample(_PROBLEMS, 3)) + f"下一步，{short}将进一步加强队伍建设，提升政务公开质量。",
        "",
        "六、其他需要报告的事项",
        "",
        rng.choice(
            ["本年度未收取信息处理费。", "无其他需要报告的事项。", f"全年收取信息处理费{rng.randint(10, 900)}元。"]
        ),
        "",
        issuer,
        f"{year + 1}年1月{rng.randint(5, 30)}日",
    ]
    truth: dict[str, str] = {}
    for rid, vals in t3.items():
        for (cid, _), v in zip(T3_COLUMNS, vals, strict=True):
            truth[f"t3/{rid}:{cid}"] = str(v)
    for i, v in enumerate(t4):
        truth[f"t4/{T4_BLOCKS[i // 5][0]}:{T4_COLUMNS[i % 5][0]}"] = str(v)
    for label, vals in t2:
        if vals is None:
            continue
        spec = next(r for r in T2_ROWS if gen in r.generations and re.fullmatch(r.key, label))
        for (cid, _), v in zip(t2_columns(gen, spec.kind), vals, strict=True):
            truth[f"t2/{spec.id}:{cid}"] = str(v).removesuffix("万元")
    return Synthetic(f"synthetic-{seed:06d}.txt", "\n".join(lines) + "\n", issuer, year, received, truth)
