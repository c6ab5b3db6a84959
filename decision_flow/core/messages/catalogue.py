"""Messages about an organ's decision-item catalogue (决策事项目录, Decree 713 Art. 3): its items, the
same-level Party committee's consent, its publication and its export."""

MESSAGES: dict[str, tuple[str, str]] = {
    # what is typed
    "catalogue.bad_year": (
        "--year {value} is not a year from {first} to {last}",
        "--year {value} 不是 {first} 至 {last} 之间的年份",
    ),
    "catalogue.no_title": ("a catalogue item needs a title (--title)", "目录事项须有名称（--title）"),
    "catalogue.no_unit": ("a catalogue item needs its undertaking unit (--unit)", "目录事项须写明承办单位（--unit）"),
    "catalogue.planned_other_year": (
        "--planned {planned} is not in {year}: an item is planned within its catalogue's year",
        "--planned {planned} 不在 {year} 年内：事项的计划完成时间须在目录所属年度之内",
    ),
    "catalogue.no_body": (
        "the consent names the Party committee that gave it (--body), e.g. 中共沙河乡委员会",
        "须写明给予同意的同级党委（--body），如 中共沙河乡委员会",
    ),
    "catalogue.no_reason": (
        "removing a catalogue item needs a reason (--reason)",
        "移除目录事项须说明理由（--reason）",
    ),
    "catalogue.future": ("{what} {on} is in the future (today is {today})", "{what} {on} 晚于今天（{today}）"),
    "value.item_id": ("{value!r} is not a catalogue item id (a whole number)", "{value!r} 不是目录事项编号（整数）"),
    "catalogue.item_unknown": ("no catalogue item with id {id}", "没有编号为 {id} 的目录事项"),
    "catalogue.already_removed": (
        "catalogue item {id} was already removed ({reason})",
        "目录事项 {id} 已经移除（{reason}）",
    ),
    # who may change it
    "catalogue.role": (
        "{user} may not change organ {organ}'s decision-item catalogue: it needs the role officer or admin there",
        "{user} 无权变更机关 {organ} 的决策事项目录：须在该机关担任承办人员或系统管理员",
    ),
    # refusals (Art. 3)
    "catalogue.reason_after_publication": (
        "organ {organ}'s {year} catalogue was published on {published}: an item added or removed since needs"
        " a reason (--reason)",
        "机关 {organ} 的 {year} 年度目录已于 {published} 公布：此后增加或移除事项须说明理由（--reason）",
    ),
    "catalogue.no_consent": (
        "organ {organ}'s {year} catalogue has no consent of the same-level Party committee recorded;"
        " record it first: dflow catalogue consent",
        "机关 {organ} 的 {year} 年度目录尚未记录同级党委同意；请先记录：dflow catalogue consent",
    ),
    "catalogue.before_consent": (
        "cannot publish on {on}: the Party committee consented on {consent_on}, and the catalogue is published"
        " only after its consent",
        "不能以 {on} 为公布日期：同级党委于 {consent_on} 同意，目录须经同意后方可公布",
    ),
    "catalogue.published_already": (
        "organ {organ}'s {year} catalogue was already published on {published}",
        "机关 {organ} 的 {year} 年度目录已于 {published} 公布",
    ),
    "catalogue.consent_published": (
        "organ {organ}'s {year} catalogue was published on {published} with the consent recorded then;"
        " that consent is not changed afterwards",
        "机关 {organ} 的 {year} 年度目录已于 {published} 依所记录的党委同意公布；该同意此后不再变更",
    ),
    "catalogue.item_used": (
        "catalogue item {id} cannot be removed: decision {case} was made from it",
        "目录事项 {id} 不能移除：决策 {case} 据此启动",
    ),
    "catalogue.item_other_organ": (
        "catalogue item {id} is on organ {item_organ}'s catalogue, not on organ {organ}'s",
        "目录事项 {id} 在机关 {item_organ} 的目录中，不在机关 {organ} 的目录中",
    ),
    "catalogue.item_removed": (
        "catalogue item {id} was removed from the catalogue ({reason}); no decision is made from it",
        "目录事项 {id} 已从目录中移除（{reason}），不能据以启动决策",
    ),
    "catalogue.item_taken": (
        "catalogue item {id} is already the origin of decision {case}",
        "目录事项 {id} 已用于启动决策 {case}",
    ),
    # done
    "catalogue.added": (
        "item {id} added to organ {organ}'s {year} catalogue: {title}",
        "已在机关 {organ} 的 {year} 年度目录中增加事项 {id}：{title}",
    ),
    "catalogue.removed": ("catalogue item {id} removed: {reason}", "目录事项 {id} 已移除：{reason}"),
    "catalogue.consented": (
        "consent to organ {organ}'s {year} catalogue recorded: {body} on {on}",
        "已记录 {body} 于 {on} 同意机关 {organ} 的 {year} 年度目录",
    ),
    "catalogue.published": (
        "organ {organ}'s {year} catalogue published on {on} with {items} item(s)",
        "机关 {organ} 的 {year} 年度目录已于 {on} 公布，共 {items} 项",
    ),
    "catalogue.exported": (
        "wrote {file} ({fmt}: organ {organ}'s {year} catalogue, {items} item(s))",
        "已导出 {file}（{fmt}：机关 {organ} 的 {year} 年度目录，{items} 项）",
    ),
    # what `dflow catalogue show` prints
    "catalogue.none": ("no decision-item catalogue for {year}", "{year} 年度没有决策事项目录"),
    "catalogue.heading": (
        "Decision-item catalogue {year} of {name} (organ {organ})",
        "{name}（机关 {organ}）{year} 年度重大行政决策事项目录",
    ),
    "catalogue.consent_line": (
        "Consent of the same-level Party committee: {body}, {on}",
        "同级党委同意：{body}，{on}",
    ),
    "catalogue.consent_missing": (
        "Consent of the same-level Party committee: not recorded",
        "同级党委同意：尚未记录",
    ),
    "catalogue.published_line": ("Published on {on}", "公布日期：{on}"),
    "catalogue.unpublished": ("Not published", "尚未公布"),
    "catalogue.removed_mark": ("removed on {at}: {reason}", "已于 {at} 移除：{reason}"),
}
