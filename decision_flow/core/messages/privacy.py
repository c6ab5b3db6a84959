"""Messages of personal information and confidential material (个人信息保护法; 信访工作条例 Art. 46)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "privacy.withheld": ("(confidential)", "（保密）"),
    "privacy.masked": (
        "personal information is masked and confidential material withheld: read as a user holding a role in"
        " organ {organ} (--as) to see them",
        "个人信息已遮蔽，保密材料不予显示：以在 {organ} 有角色的用户身份（--as）查看",
    ),
    "privacy.json_refused": (
        "the JSON trail of case {id} is its verifiable copy and holds personal information or confidential material"
        " unmasked, which {user} may not read (a role in organ {organ} is needed, and confidential material is"
        " never shown to those it accuses); a PDF, HTML or CSV export shows it masked",
        "案件 {id} 的 JSON 审计记录是可验证的原件，其中的个人信息或保密材料未经遮蔽，{user} 无权查看"
        "（须在 {organ} 有角色，且保密材料不得向被检举人显示）；PDF、HTML 或 CSV 导出显示遮蔽后的内容",
    ),
    "privacy.no_reader": ("no user named (--as)", "未指明用户（--as）"),
    "wf.text_or_list_only": (
        "{attribute} applies only to a text or list field, not a {type} field",
        "{attribute} 只能用于 text 或 list 字段，不能用于 {type} 字段",
    ),
}
