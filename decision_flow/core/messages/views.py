"""Messages of the reads that gather or draw: what is due (`dflow due`), a case's diagram."""

MESSAGES: dict[str, tuple[str, str]] = {
    # dflow due
    "due.bad_within": (
        "--within: {value!r} is not a number of days such as 10d (at most {max}d)",
        "--within：{value!r} 不是天数，应写作 10d 这样的形式（至多 {max}d）",
    ),
    "due.header": ("due as of {today}, soonest first:", "截至 {today} 的到期事项（按到期先后）："),
    "due.none": ("nothing is due as of {today}", "截至 {today} 没有到期事项"),
    "due.field_of": ("{field}", "{field}"),  # a field of the message's `step`, named in the reader's words
    "due.within_working": (
        "{step}: {field} within {days} working days after {since_field} ({since})",
        "{step}：{field}须在{since_field}（{since}）后{days}个工作日内",
    ),
    "due.within_calendar": (
        "{step}: {field} within {days} days after {since_field} ({since})",
        "{step}：{field}须在{since_field}（{since}）后{days}日内",
    ),
    "due.catalogue": (
        "decision-item catalogue {year}, item {item}: the decision planned by this date",
        "{year}年度决策事项目录第{item}项：计划决策时间",
    ),
    "due.evaluation": (
        "post-decision evaluation begun on {started}: its report",
        "决策后评估（{started}启动）：评估报告",
    ),
    "due.case": ("#{id} {title} ({organ})", "#{id} {title}（{organ}）"),
    "due.no_case": ("{title} ({organ}; no case yet)", "{title}（{organ}；尚未立案）"),
    "due.left": ("{days} working days left", "剩余{days}个工作日"),
    "due.left_one": ("1 working day left", "剩余1个工作日"),
    "due.today": ("due today", "今日到期"),
    "due.overdue": ("OVERDUE by {days} working days", "已逾期{days}个工作日"),
    "due.overdue_one": ("OVERDUE by 1 working day", "已逾期1个工作日"),
    "due.overdue_now": ("OVERDUE", "已逾期"),
    "due.uncounted": (
        "working days unknown: no official calendar for {year}",
        "无法计算工作日：缺少{year}年法定节假日数据",
    ),
    "due.no_date": ("date unknown", "日期未知"),
    # a case's diagram (dflow show --diagram)
    "diagram.bad_format": (
        "--format: {fmt!r} is not a diagram format (known: {known})",
        "--format：{fmt!r} 不是流程图格式（可用：{known}）",
    ),
    "diagram.no_png": (
        "--format png: dflow draws no bitmaps; draw svg, which any browser shows, prints and converts",
        "--format png：dflow 不生成位图；请用 svg 格式，浏览器可直接显示、打印或转换",
    ),
    "diagram.needs_diagram": ("{option} goes with --diagram", "{option} 须与 --diagram 一起使用"),
    "diagram.written": (
        "diagram of decision {id} written to {file} ({fmt})",
        "决策 {id} 的流程图已写入 {file}（{fmt}）",
    ),
}
