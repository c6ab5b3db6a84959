"""Messages about an organ's register of rule-of-law activities (法治工作活动): study sessions,
publicity events, legal consultations and legal advisers appointed to villages."""

MESSAGES: dict[str, tuple[str, str]] = {
    # what is typed
    "activity.bad_kind": ("unknown kind {kind!r}: the kinds are {kinds}", "没有 {kind!r} 这一类别：可选 {kinds}"),
    "activity.bad_number": (
        "{what} {value!r} is not a whole number from 0 to {most}",
        "{what} {value!r} 不是 0 至 {most} 之间的整数",
    ),
    "activity.future": ("--on {on} is in the future (today is {today})", "--on {on} 晚于今天（{today}）"),
    "activity.no_village": (
        "an activity of kind {kind} names its village (--village)",
        "{kind} 类活动须写明所涉村（社区）（--village）",
    ),
    "activity.no_reason": ("withdrawing an activity needs a reason (--reason)", "撤回活动须说明理由（--reason）"),
    "value.activity_id": ("{value!r} is not an activity id (a whole number)", "{value!r} 不是活动编号（整数）"),
    "activity.unknown": ("no activity with id {id}", "没有编号为 {id} 的活动"),
    "activity.already_withdrawn": ("activity {id} was already withdrawn ({reason})", "活动 {id} 已经撤回（{reason}）"),
    # who may change it
    "activity.role": (
        "{user} may not change organ {organ}'s register of activities: it needs the role officer or admin there",
        "{user} 无权变更机关 {organ} 的法治工作活动登记：须在该机关担任承办人员或系统管理员",
    ),
    # done
    "activity.added": (
        "activity {id} recorded for organ {organ}: {kind} on {on}, {count} people",
        "已为机关 {organ} 登记活动 {id}：{on} {kind}，{count} 人（次）",
    ),
    "activity.withdrawn": ("activity {id} withdrawn: {reason}", "已撤回活动 {id}：{reason}"),
    # the register as read
    "activity.heading": ("Activities of {year}", "{year} 年度法治工作活动"),
    "activity.none": ("no activity recorded in {year}", "{year} 年度没有登记活动"),
    "activity.totals": ("What the annual report counts", "年度报告计入的数字"),
    "activity.withdrawn_mark": ("withdrawn {at}: {reason}", "已于 {at} 撤回：{reason}"),
}
