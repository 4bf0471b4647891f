"""化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）(安监总管三〔2017〕121号).

Identity [M] (REFERENCE §3.1: "issued November 2017"; the day is not known, the 1st is used),
so the standard is verified=False. The 20 items are [V] in official order (REFERENCE §3.2),
paraphrased: all verified=True. The standard is a flat numbered list (no articles): each item
is stored as article 1, item N, and cited as 第N项. Applies to industry ``hazardous_chemicals``;
Decree No. 10 excludes such enterprises (REFERENCE §1.2). No later revision was found (§3.3).
"""

STANDARD = {
    "key": "hc2017",
    "title": "化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）",
    "document_number": "安监总管三〔2017〕121号",
    "issuer": "原国家安全生产监督管理总局",
    "effective_from": "2017-11-01",
    "repealed_on": None,
    "replaced_by": None,
    "verified": False,
    "numbering": "list",
    "headings": {},
    "source": (
        "安监总管三〔2017〕121号，2017年11月印发（文号与日期据 REFERENCE §3.1 [M]，未核实；"
        "施行日取当月1日）。20项转述自 REFERENCE.md §3.2。未发现2023年后的修订。"
    ),
}

ITEMS = [
    # Paraphrased from REFERENCE §3.2, in its (official) order.
    ("人员考核", "危险化学品生产、经营单位的主要负责人、安全生产管理人员未依法考核合格。"),
    ("特种作业持证", "特种作业人员无证上岗。"),
    ("外部安全防护距离", "涉及“两重点一重大”的装置或者储存设施，外部安全防护距离达不到国家标准。"),
    (
        "危险工艺自动化",
        "涉及重点监管危险化工工艺的装置没有自动化控制或者紧急停车功能，"
        "或者自动化控制、紧急停车系统未投用。",
    ),
    (
        "重大危险源罐区",
        "一级、二级重大危险源罐区没有紧急切断功能；其中储存毒性气体、液化气体、"
        "剧毒液体的，还未配备独立的安全仪表系统（SIS）。",
    ),
    ("液化烃球罐注水", "全压力式液化烃球罐没有注水设施。"),
    ("万向管道充装", "液化烃、液氨、液氯等易燃、有毒液化气体装卸未采用万向管道充装系统。"),
    ("剧毒气体管道", "光气、氯气等剧毒气体或者硫化氢的管道穿越厂区（园区）以外的公共区域。"),
    ("架空电力线路", "地区架空电力线路违反标准穿越生产区。"),
    ("正规设计", "在役装置未经正规设计，也未做安全设计诊断。"),
    ("淘汰工艺设备", "仍在使用列入淘汰落后目录的工艺或者设备。"),
    (
        "气体检测报警与防爆电气",
        "可能泄漏可燃、有毒气体的场所没有气体检测报警装置，或者爆炸危险区域使用非防爆电气设备。",
    ),
    ("控制室抗爆", "控制室、机柜间朝向有火灾爆炸危险装置的一侧，防火防爆达不到标准要求。"),
    ("双重电源与UPS", "化工装置没有双重电源供电，或者自动化控制系统没有不间断电源（UPS）。"),
    ("安全附件", "安全阀、爆破片等安全附件未正常投用。"),
    ("责任制与排查制度", "没有与岗位相匹配的全员安全生产责任制，或者没有隐患排查治理制度。"),
    ("操作规程与工艺指标", "没有操作规程或者工艺控制指标。"),
    ("特殊作业管理", "动火、进入受限空间等特殊作业没有符合国家标准的管理制度，或者制度不执行。"),
    (
        "工艺开发与试生产",
        "新工艺未经小试、中试、工业化试验即放大生产；国内首次使用的工艺未经省级"
        "可靠性论证；新装置无试生产方案即开车；精细化工未做反应安全风险评估。",
    ),
    ("储存管理", "危险化学品未分区分类储存，超量、超品种储存，或者禁忌物质混存。"),
]

MANAGEMENT_ITEMS = {1, 2, 16, 17, 18}

CLAUSES = [
    {
        "article": 1,
        "item": n,
        "group": "management" if n in MANAGEMENT_ITEMS else "industry",
        "topic": topic,
        "condition": text,
        "industries": ["hazardous_chemicals"],
        "risk_flags": [],
        "verified": True,
    }
    for n, (topic, text) in enumerate(ITEMS, start=1)
]
