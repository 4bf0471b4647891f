"""工贸企业重大事故隐患判定标准 (应急管理部令第10号), in force 2023-05-15.

Counts shipped (REFERENCE §1.3 [V]: 64 items = 管理类 3 + 行业类 47 + 专项类 14):

=========  =====  =========================================================  =============
Article    items  source in REFERENCE                                         verified=false
=========  =====  =========================================================  =============
3 管理        3   §1.4 Art. 3: (一)(二) [V], (三) [P]                            1
4 冶金        9   8 [M] outlines + 1 position filled from the 2017 items of §1.6  9
5 有色       13   7 aluminium/deep-well items [V] + 6 [M] outlines                6
6 建材        8   [M] outline                                                     8
7 机械        6   [M]                                                             6
8 轻工        7   [M] (2017 list [V], 2023 wording reconstructed)                 7
9 纺织        2   2017 text [V], 2023 wording [M]                                 2
10 烟草       2   2017 text [V], 2023 wording [M]                                 2
11 粉尘爆炸  10   (一)–(五) [V] 2023 wording, (六)–(十) [M]                        5
12 液氨制冷   2   [M] (2017 [V])                                                  2
13 有限空间   2   [M] (2017 [V])                                                  2
14 设施失效   1   the Art. 14 rule [V] (not one of the 64 items)                  0
=========  =====  =========================================================  =============

Total: 64 items (3 + 47 + 14) plus the Art. 14 rule = 65 clauses, 50 of them verified=false.

The per-article split of the 47 industry items is NOT confirmed: REFERENCE gives 13 + 8 + 6 + 7
+ 2 + 2 = 38 for Arts. 5–10 from its outlines, which leaves 9 positions for Art. 4 (8 outlines,
then "further items on gas holders … not recovered"). The ninth is filled with the two 2017
冶金 items REFERENCE §1.6 names (fixed gantry hook on casting cranes, trunnion flaw testing) as
one reconstructed item. Item numbers inside Art. 5 follow REFERENCE's order (aluminium items
first), which it says may differ from the official numbering. Check every verified=false item
against the gazette text (https://www.gov.cn/gongbao/2023/issue_10566/202307/content_6890788.html)
before citing it in an enforcement decision.
"""

SECTORS = [
    "metallurgy",
    "non_ferrous",
    "building_materials",
    "machinery",
    "light_industry",
    "textiles",
    "tobacco",
    "commerce_trade",
]

STANDARD = {
    "key": "gm2023",
    "title": "工贸企业重大事故隐患判定标准",
    "document_number": "应急管理部令第10号",
    "issuer": "应急管理部",
    "effective_from": "2023-05-15",
    "repealed_on": None,
    "replaced_by": None,
    "verified": True,
    "numbering": "article",
    "headings": {
        "3": "管理类（所有工贸企业）",
        "4": "冶金企业",
        "5": "有色企业（含铝加工深井铸造）",
        "6": "建材企业",
        "7": "机械企业",
        "8": "轻工企业",
        "9": "纺织企业",
        "10": "烟草企业",
        "11": "存在粉尘爆炸危险的工贸企业",
        "12": "使用液氨制冷的工贸企业",
        "13": "存在硫化氢、一氧化碳等中毒风险有限空间作业的工贸企业",
        "14": "监测报警、防护设施失效或者无效",
    },
    "source": (
        "应急管理部令第10号，2023-03-20部务会议审议通过，2023-04-14公布，2023-05-15施行；"
        "第十五条废止《工贸行业重大生产安全事故隐患判定标准（2017版）》。"
        "条款为据 REFERENCE.md §1 的转述；未核实条款须以国务院公报文本为准："
        "https://www.gov.cn/gongbao/2023/issue_10566/202307/content_6890788.html"
    ),
}


def _c(article, item, group, topic, condition, *, verified, industries=None, flags=()):
    return {
        "article": article,
        "item": item,
        "group": group,
        "topic": topic,
        "condition": condition,
        "industries": list(industries or SECTORS),
        "risk_flags": list(flags),
        "verified": verified,
    }


M, IND, S = "management", "industry", "special"
MET, NF, BM, MACH, LI, TEX, TOB = (
    ["metallurgy"],
    ["non_ferrous"],
    ["building_materials"],
    ["machinery"],
    ["light_industry"],
    ["textiles"],
    ["tobacco"],
)
DWC = ["deep_well_casting"]

CLAUSES = [
    # Art. 3 — management items, all 工贸 enterprises.
    _c(
        3,
        1,
        M,
        "承包、承租单位管理",
        "未对承包单位、承租单位的安全生产工作统一协调、管理，或者未定期进行安全检查。",
        verified=True,
    ),
    _c(
        3,
        2,
        M,
        "特种作业人员持证",
        "特种作业人员未按照规定经专门的安全作业培训并取得相应资格，上岗作业。",
        verified=True,
    ),
    _c(
        3,
        3,
        M,
        "金属冶炼企业负责人考核",
        "金属冶炼企业的主要负责人、安全生产管理人员未按照规定经考核合格。",
        verified=False,
        industries=["metallurgy", "non_ferrous"],
    ),
    # Art. 4 — metallurgy: outlines [M].
    _c(
        4,
        1,
        IND,
        "吊运跨人员聚集场所",
        "会议室、活动室、休息室、操作室（控制室）、交接班室、更衣室（含澡堂）等6类人员聚集"
        "场所，以及钢（铁）水罐冷热修工位，设置在铁水、钢水、液渣吊运跨的地坪区域内。",
        verified=False,
        industries=MET,
    ),
    _c(
        4,
        2,
        IND,
        "事故坑、渣坑积水",
        "生产期间冶炼、精炼、铸造区域的事故坑、炉下渣坑，或者熔融金属泄漏、喷溅影响范围内存在积水。",
        verified=False,
        industries=MET,
    ),
    _c(
        4,
        3,
        IND,
        "连铸应急设施",
        "炼钢连铸流程未设置事故钢水罐、中间罐漏钢事故槽、中间罐溢流槽、中间罐事故闸板、"
        "大包回转台事故旋转等应急措施。",
        verified=False,
        industries=MET,
    ),
    _c(
        4,
        4,
        IND,
        "炼钢炉水冷元件",
        "转炉、电弧炉、AOD炉、LF炉、RH炉、VOD炉等炼钢炉的水冷元件未设置出水温度、进出水流量差"
        "监测报警装置，或者报警装置未与炉体倾动、氧枪自动提升、电极断电和升起联锁。",
        verified=False,
        industries=MET,
    ),
    _c(
        4,
        5,
        IND,
        "高炉炉顶压力",
        "高炉炉顶工作压力设定值超过设计最高压力，或者炉顶压力监测未与炉顶放散阀联锁，"
        "或者放散阀联锁放散压力设定值超过设备设计压力。",
        verified=False,
        industries=MET,
    ),
    _c(
        4,
        6,
        IND,
        "一氧化碳监测报警",
        "可能发生煤气泄漏、积聚的场所和部位（含煤气设施附近的人员聚集场所）未设置固定式一氧化碳"
        "浓度监测报警装置，或者监测数据未接入24小时有人值守场所。",
        verified=False,
        industries=MET,
    ),
    _c(
        4,
        7,
        IND,
        "煤气隔断装置",
        "高炉、转炉、加热炉、煤气柜、除尘器等设施的煤气管道，以及进入车间前的煤气总管，未设置隔断装置。",
        verified=False,
        industries=MET,
    ),
    _c(
        4,
        8,
        IND,
        "水封式排水器",
        "正压煤气输配管线水封式排水器的最高封堵煤气压力小于30千帕，或者同一隔断装置两侧共用一个"
        "排水器，或者不同煤气管道排水器上部排水管连通，或者不同介质煤气管道共用一个排水器。",
        verified=False,
        industries=MET,
    ),
    _c(
        4,
        9,
        IND,
        "熔融金属吊运设备（据2017版推定）",
        "吊运铁水、钢水、液渣的铸造起重机未使用固定式龙门钩，或者盛装熔融金属的罐（包）耳轴"
        "未按照规定定期探伤检测。（据2017版冶金条目推定，2023版是否保留及其位置未核实）",
        verified=False,
        industries=MET,
    ),
    # Art. 5 — non-ferrous: items 1–7 [V] (aluminium processing / deep-well casting).
    _c(
        5,
        1,
        IND,
        "应急水源",
        "采用水冷的熔炼炉、铸造机、加热炉未设置应急水源（深井铸造结晶器除外）。",
        verified=True,
        industries=NF,
    ),
    _c(
        5,
        2,
        IND,
        "熔融金属炉窑水冷元件",
        "熔融金属炉窑的水冷元件：闭路循环的未设置出水温度、进出水流量差监测报警装置；"
        "开路的未设置进水流量、压力监测报警装置或者未监测出水温度。",
        verified=True,
        industries=NF,
    ),
    _c(
        5,
        3,
        IND,
        "深井铸造结晶器冷却水",
        "深井铸造结晶器冷却水系统未设置进水压力、进水流量监测报警装置，或者报警装置未与快速切断阀、"
        "紧急排放阀、流槽断开装置联锁；采用倾动式浇铸炉的，报警装置未与浇铸炉倾动控制系统联锁。",
        verified=True,
        industries=NF,
        flags=DWC,
    ),
    _c(
        5,
        4,
        IND,
        "液位监测与机械锁紧",
        "深井铸造的浇铸炉出口流槽、流槽与模盘（分配流槽）连接处未设置液位监测报警装置，"
        "或者固定式浇铸炉的出口未设置机械锁紧装置。",
        verified=True,
        industries=NF,
        flags=DWC,
    ),
    _c(
        5,
        5,
        IND,
        "固定式浇铸炉紧急排放与快速切断",
        "深井铸造采用固定式浇铸炉的，流槽未设置紧急排放阀，或者流槽与模盘连接处未设置快速切断阀"
        "（断开装置），或者连接处液位监测报警装置未同时与快速切断阀、紧急排放阀联锁。",
        verified=True,
        industries=NF,
        flags=DWC,
    ),
    _c(
        5,
        6,
        IND,
        "倾动式浇铸炉快速切断与联锁",
        "深井铸造采用倾动式浇铸炉的，流槽与模盘连接处未设置快速切断阀（断开装置），或者连接处"
        "液位监测报警装置未同时与浇铸炉倾动控制系统、快速切断阀联锁。",
        verified=True,
        industries=NF,
        flags=DWC,
    ),
    _c(
        5,
        7,
        IND,
        "铸造机卷扬钢丝绳",
        "深井铸造机钢丝卷扬系统采用非钢芯钢丝绳，或者未建立钢丝绳定期检查和更换制度。",
        verified=True,
        industries=NF,
        flags=DWC,
    ),
    # Art. 5 — other non-ferrous items, outlines [M].
    _c(
        5,
        8,
        IND,
        "吊运跨人员聚集场所",
        "会议室、休息室、操作室等人员聚集场所设置在熔融金属吊运跨的地坪区域内。",
        verified=False,
        industries=NF,
    ),
    _c(
        5,
        9,
        IND,
        "事故坑、喷溅区积水",
        "生产期间熔炼、铸造区域的事故坑、炉下渣坑，或者熔融金属泄漏、喷溅影响范围内存在积水。",
        verified=False,
        industries=NF,
    ),
    _c(
        5,
        10,
        IND,
        "熔融金属紧急排放和应急储存",
        "熔融金属铸造流程未设置紧急排放和应急储存设施（倾动式炉、保温炉除外）。",
        verified=False,
        industries=NF,
    ),
    _c(
        5,
        11,
        IND,
        "燃气燃烧器熄火保护",
        "使用燃气的炉窑燃烧器未设置熄火保护及燃气快速切断装置。",
        verified=False,
        industries=NF,
    ),
    _c(
        5,
        12,
        IND,
        "水封式排水器",
        "正压煤气（燃气）管线水封式排水器的设置不符合与冶金企业相同的要求（封堵压力、共用、连通）。",
        verified=False,
        industries=NF,
    ),
    _c(
        5,
        13,
        IND,
        "砷化氢监测",
        "湿法冶金等可能产生砷化氢的场所未设置砷化氢监测报警装置。",
        verified=False,
        industries=NF,
    ),
    # Art. 6 — building materials [M].
    _c(
        6,
        1,
        IND,
        "煤磨袋式收尘器、煤粉仓",
        "煤磨袋式收尘器、煤粉仓未设置温度和固定式一氧化碳浓度监测报警装置，或者未设置气体灭火装置。",
        verified=False,
        industries=BM,
    ),
    _c(
        6,
        2,
        IND,
        "筒型储库人工清库",
        "筒型储库人工清库作业未落实清库方案中防止高处坠落、坍塌等措施。",
        verified=False,
        industries=BM,
    ),
    _c(
        6,
        3,
        IND,
        "电石渣原料库",
        "电石渣原料筒型储库未设置可燃气体浓度监测报警装置，或者报警装置未与事故通风装置联锁。",
        verified=False,
        industries=BM,
    ),
    _c(
        6,
        4,
        IND,
        "进入窑、库、磨等设备作业",
        "进入筒型储库、焙烧窑、预热器旋风筒、分解炉、篦冷机、磨机、破碎机前，未对可能意外启动的"
        "设备和涌入的物料、高温气体、有毒有害气体采取隔离措施。",
        verified=False,
        industries=BM,
    ),
    _c(
        6,
        5,
        IND,
        "预混燃烧燃气窑炉",
        "采用预混燃烧方式的燃气窑炉未设置燃气总管压力监测报警装置，或者报警装置未与紧急切断装置联锁。",
        verified=False,
        industries=BM,
    ),
    _c(
        6,
        6,
        IND,
        "制氢站、混气室",
        "制氢站、氮氢保护气体配气间、燃气配气间未设置固定式可燃气体浓度监测报警装置。",
        verified=False,
        industries=BM,
    ),
    _c(
        6,
        7,
        IND,
        "电熔制品电炉水冷",
        "电熔制品电炉的水冷却系统失效。",
        verified=False,
        industries=BM,
    ),
    _c(
        6,
        8,
        IND,
        "玻璃窑炉、锡槽冷却保护",
        "玻璃窑炉、玻璃锡槽的冷却保护系统未设置监测报警装置。",
        verified=False,
        industries=BM,
    ),
    # Art. 7 — machinery [M].
    _c(
        7,
        1,
        IND,
        "熔炼区人员聚集场所",
        "会议室、休息室、操作室等人员聚集场所设置在熔炼炉、熔融金属吊运和浇注影响范围内。",
        verified=False,
        industries=MACH,
    ),
    _c(
        7,
        2,
        IND,
        "炉坑、浇注坑积水",
        "生产期间熔炼炉炉底、炉坑、浇注坑、造型地坑，或者熔融金属泄漏、喷溅影响范围内存在积水。",
        verified=False,
        industries=MACH,
    ),
    _c(
        7,
        3,
        IND,
        "熔炼炉、压铸机冷却水",
        "熔炼炉、精炼炉、压铸机的冷却水系统未设置温度、进出水流量差监测报警装置，或者未与加热、"
        "熔融金属转运联锁。",
        verified=False,
        industries=MACH,
    ),
    _c(
        7,
        4,
        IND,
        "燃气燃烧器",
        "燃气炉窑未设置燃气总管压力监测报警及联锁切断装置，或者燃烧器未设置熄火保护装置。",
        verified=False,
        industries=MACH,
    ),
    _c(
        7,
        5,
        IND,
        "易燃溶剂清洗",
        "使用易燃溶剂清洗时，未采取防止可燃蒸气在地坑、地沟等处积聚的措施。",
        verified=False,
        industries=MACH,
    ),
    _c(
        7,
        6,
        IND,
        "调漆间、喷漆室",
        "调漆间、喷漆室未设置固定式可燃气体浓度监测报警装置或者通风设施。",
        verified=False,
        industries=MACH,
    ),
    # Art. 8 — light industry [M].
    _c(
        8,
        1,
        IND,
        "食品烘烤、油炸设备",
        "食品制造企业烘烤、油炸设备未设置超温自动切断装置。",
        verified=False,
        industries=LI,
    ),
    _c(
        8,
        2,
        IND,
        "白酒勾兑、灌装、储存",
        "白酒勾兑、灌装场所和酒库未设置固定式乙醇蒸气浓度监测报警装置，或者报警装置未与通风设施联锁。",
        verified=False,
        industries=LI,
    ),
    _c(
        8,
        3,
        IND,
        "液氯钢瓶加热",
        "纸浆制造、造纸企业使用蒸汽、明火直接加热钢瓶汽化液氯。",
        verified=False,
        industries=LI,
    ),
    _c(
        8,
        4,
        IND,
        "日用玻璃、陶瓷燃气窑炉",
        "日用玻璃、陶瓷制造企业燃气窑炉未设置燃气压力监测报警装置，或者未与紧急切断装置联锁。",
        verified=False,
        industries=LI,
    ),
    _c(
        8,
        5,
        IND,
        "玻璃窑炉冷却保护",
        "日用玻璃窑炉的冷却保护系统未设置监测报警装置。",
        verified=False,
        industries=LI,
    ),
    _c(
        8,
        6,
        IND,
        "调漆间、喷漆室",
        "使用非水性漆的调漆间、喷漆室未设置固定式可燃气体浓度监测报警装置或者通风设施。",
        verified=False,
        industries=LI,
    ),
    _c(
        8,
        7,
        IND,
        "锂离子电池仓库",
        "锂离子电池储存仓库对故障电池未采取物理隔离措施。",
        verified=False,
        industries=LI,
    ),
    # Art. 9 — textiles [M] (2017 [V]).
    _c(
        9,
        1,
        IND,
        "热定型等工序",
        "热定型、烧毛、开幅、烘干等工序的汽化室、燃气贮罐、储油罐、导热油炉，未与生产加工区域、"
        "人员聚集场所分开设置。",
        verified=False,
        industries=TEX,
    ),
    _c(
        9,
        2,
        IND,
        "保险粉等化学品储存",
        "保险粉、双氧水、亚氯酸钠、次氯酸钠、雕白粉（吊白块）与禁忌物料混合储存，或者保险粉"
        "储存场所未采取防水防潮措施。",
        verified=False,
        industries=TEX,
    ),
    # Art. 10 — tobacco [M] (2017 [V]).
    _c(
        10,
        1,
        IND,
        "熏蒸作业",
        "熏蒸作业场所未配备磷化氢监测报警仪器或者呼吸防护用品，或者熏蒸前未确认场所内无人员。",
        verified=False,
        industries=TOB,
    ),
    _c(
        10,
        2,
        IND,
        "液态二氧化碳烟丝膨胀",
        "使用液态二氧化碳制造膨胀烟丝的生产线未设置固定式二氧化碳浓度监测报警装置，或者报警装置"
        "未与事故通风设施联锁。",
        verified=False,
        industries=TOB,
    ),
    # Art. 11 — dust explosion: (一)–(五) [V], (六)–(十) [M].
    _c(
        11,
        1,
        S,
        "粉尘爆炸危险场所建筑",
        "粉尘爆炸危险场所设置在非框架结构的多层建构筑物内，或者粉尘爆炸危险场所内设有员工宿舍、"
        "会议室、办公室、休息室等人员聚集场所。",
        verified=True,
        flags=["dust_explosion"],
    ),
    _c(
        11,
        2,
        S,
        "除尘系统合用、连通",
        "不同类别的可燃性粉尘、可燃性粉尘与可燃气体等易加剧爆炸危险的介质共用一套除尘系统，"
        "或者不同建（构）筑物、不同防火分区共用一套除尘系统，或者除尘系统互联互通。",
        verified=True,
        flags=["dust_explosion"],
    ),
    _c(
        11,
        3,
        S,
        "干式除尘器防爆措施",
        "干式除尘系统未采取泄爆、惰化、抑爆等任一种控爆措施。",
        verified=True,
        flags=["dust_explosion"],
    ),
    _c(
        11,
        4,
        S,
        "正压吹送",
        "铝镁等金属粉尘除尘系统采用正压除尘方式，或者其他可燃性粉尘除尘系统采用正压吹送粉尘时"
        "未采取火花探测消除等防范点燃源措施。",
        verified=True,
        flags=["dust_explosion"],
    ),
    _c(
        11,
        5,
        S,
        "重力沉降室、干式巷道",
        "除尘系统采用重力沉降室除尘，或者采用干式巷道式构筑物作为除尘风道。",
        verified=True,
        flags=["dust_explosion"],
    ),
    _c(
        11,
        6,
        S,
        "锁气卸灰",
        "铝镁等金属粉尘、木质粉尘的干式除尘系统未设置锁气卸灰装置。",
        verified=False,
        flags=["dust_explosion"],
    ),
    _c(
        11,
        7,
        S,
        "20区电气设备防爆",
        "除尘器、收尘仓等划分为20区的粉尘爆炸危险场所内电气设备不符合防爆要求。",
        verified=False,
        flags=["dust_explosion"],
    ),
    _c(
        11,
        8,
        S,
        "除杂与火花探测",
        "粉碎、研磨、造粒等易产生机械点燃源的工艺设备前未设置铁、石等杂物去除装置，或者木制品"
        "加工企业与砂光机连接的风管未设置火花探测消除装置。",
        verified=False,
        flags=["dust_explosion"],
    ),
    _c(
        11,
        9,
        S,
        "遇湿自燃金属粉尘",
        "遇湿自燃金属粉尘收集、堆放、储存场所未采取通风等防止氢气积聚的措施，或者未采取防水防潮措施。",
        verified=False,
        flags=["dust_explosion"],
    ),
    _c(
        11,
        10,
        S,
        "粉尘清理",
        "未落实粉尘清理制度，造成作业现场积尘严重。",
        verified=False,
        flags=["dust_explosion"],
    ),
    # Art. 12 — ammonia refrigeration [M].
    _c(
        12,
        1,
        S,
        "直接蒸发式氨空调",
        "包装间、分割间、产品整理间等人员较多的生产场所的空调系统采用氨直接蒸发制冷。",
        verified=False,
        flags=["ammonia_refrigeration"],
    ),
    _c(
        12,
        2,
        S,
        "快速冻结装置",
        "快速冻结装置未设置在单独的作业间内，或者快速冻结装置所在作业间内作业人员数量超过9人"
        "（2017版为两者同时具备，2023版据信为任一，未核实）。",
        verified=False,
        flags=["ammonia_refrigeration"],
    ),
    # Art. 13 — confined spaces [M].
    _c(
        13,
        1,
        S,
        "有限空间辨识",
        "未对有限空间进行辨识、建立安全管理台账，或者未设置明显的安全警示标志。",
        verified=False,
        flags=["confined_space"],
    ),
    _c(
        13,
        2,
        S,
        "有限空间作业审批与监护",
        "未落实有限空间作业审批，或者未执行“先通风、再检测、后作业”要求，或者作业现场未设置监护人员。",
        verified=False,
        flags=["confined_space"],
    ),
    # Art. 14 — the device rule [V].
    _c(
        14,
        1,
        "device",
        "安全设施失效",
        "本标准所列的、直接关系生产安全的监控、报警、防护等设施和设备失效或者无效（如报警装置损坏、"
        "被旁路、长期离线，联锁被解除）。",
        verified=True,
    ),
]
