"""The NEA and its dispatched agencies with the provinces each licenses.

Assumption (docs/assumptions.md): the jurisdictions follow the NEA's published structure as we
understand it; where we were unsure (Inner Mongolia, Chongqing, Tibet) we chose the nearest regional
bureau. They are data: an administrator changes them in the admin.
"""

AGENCIES = [
    # code, name, short name, national, provinces
    ("NEA", "国家能源局", "国家能源局", True, []),
    ("HB", "华北能源监管局", "华北局", False, ["11", "12", "13", "15"]),
    ("DB", "东北能源监管局", "东北局", False, ["21", "22", "23"]),
    ("XB", "西北能源监管局", "西北局", False, ["61", "63", "64"]),
    ("HD", "华东能源监管局", "华东局", False, ["31", "34"]),
    ("HZ", "华中能源监管局", "华中局", False, ["42", "36", "50"]),
    ("NF", "南方能源监管局", "南方局", False, ["44", "45", "46"]),
    ("SX", "山西能源监管办公室", "山西办", False, ["14"]),
    ("SD", "山东能源监管办公室", "山东办", False, ["37"]),
    ("GS", "甘肃能源监管办公室", "甘肃办", False, ["62"]),
    ("XJ", "新疆能源监管办公室", "新疆办", False, ["65"]),
    ("ZJ", "浙江能源监管办公室", "浙江办", False, ["33"]),
    ("JS", "江苏能源监管办公室", "江苏办", False, ["32"]),
    ("FJ", "福建能源监管办公室", "福建办", False, ["35"]),
    ("HN", "河南能源监管办公室", "河南办", False, ["41"]),
    ("HUN", "湖南能源监管办公室", "湖南办", False, ["43"]),
    ("SC", "四川能源监管办公室", "四川办", False, ["51", "54"]),
    ("YN", "云南能源监管办公室", "云南办", False, ["53"]),
    ("GZ", "贵州能源监管办公室", "贵州办", False, ["52"]),
]
