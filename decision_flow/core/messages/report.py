"""Messages of the annual rule-of-law report (法治政府建设年度报告, Inspection Rules Art. 24): its
fixed outline, the sentences said of each figure, their units, the placeholders left for the
officer where the data cannot speak, the appendix of sources and the charts' labels."""

MESSAGES: dict[str, tuple[str, str]] = {
    # the document
    "report.title": (
        "Annual report on building a law-based government, {year}",
        "{organ}{year}年度法治政府建设工作报告",
    ),
    "report.intro": (
        "This report sums up {organ}'s work in {year} on building a law-based government, as Art. 24"
        " of the Inspection Rules requires. Every figure in it is counted from the cases, activities and"
        " catalogue items recorded in decision-flow, and the records behind each are listed in the"
        " appendix. The report on the year's work follows.",
        "{year}年，{organ}依照《法治政府建设与责任落实督察工作规定》第二十四条，对本年度法治政府建设工作进行了总结。"
        "本报告中的数字均由本系统登记的案件、活动和目录事项逐项统计，所依据的记录编号列于附录。"
        "现将本年度法治政府建设工作报告如下。",
    ),
    "report.unknown_format": (
        "cannot write the annual report as {suffix!r}: name a file ending in {known}",
        "无法将年度报告写成 {suffix!r} 格式：文件名须以 {known} 结尾",
    ),
    # the outline (Art. 24)
    "report.h.measures": ("1. Main measures and results", "一、主要举措和成效"),
    "report.h2": ("({n}) {name}", "（{n}）{name}"),
    "report.s.decisions": ("Major administrative decisions", "重大行政决策"),
    "report.s.reviews": ("Legality review", "合法性审核"),
    "report.s.enforcement": ("Administrative law enforcement", "行政执法"),
    "report.s.disputes": ("Resolving disputes", "矛盾纠纷化解"),
    "report.s.study": ("Studying, applying and publicising the law", "学法用法普法"),
    "report.s.services": ("Public legal services", "公共法律服务"),
    "report.s.oversight": ("Oversight of procedure", "程序监督"),
    "report.h.shortcomings": ("2. Shortcomings and their causes", "二、存在的不足和原因"),
    "report.h.leaders": (
        "3. How the principal Party and government leaders performed their duty as first responsible"
        " persons for the rule of law",
        "三、党政主要负责人履行推进法治建设第一责任人职责情况",
    ),
    "report.h.plans": ("4. Plans for {year}", "四、{year}年度工作安排"),
    "report.h.other": ("5. Other matters to report", "五、其他需要报告的事项"),
    "report.h.appendix": ("Appendix: sources of the figures", "附录：数据来源"),
    "report.measures_intro": (
        "The cases opened in {year}, by month, are shown below.",
        "{year}年度受理、立项的各类案件按月分布如下图。",
    ),
    # a figure said as a sentence
    "report.figure": ("{title}: {value}{unit}.", "{title} {value}{unit}。"),
    "report.figure_parts": ("{title}: {value}{unit} ({parts}).", "{title} {value}{unit}，其中{parts}。"),
    "report.part": ("{title} {value}", "{title} {value}{unit}"),
    "report.unit.cases": (" cases", " 件"),
    "report.unit.cases.one": (" case", " 件"),
    "report.unit.percent": ("%", "%"),
    "report.unit.activities": (" activities", " 次"),
    "report.unit.activities.one": (" activity", " 次"),
    "report.unit.people": (" people", " 人次"),
    "report.unit.people.one": (" person", " 人次"),
    "report.unit.copies": (" copies", " 份"),
    "report.unit.copies.one": (" copy", " 份"),
    "report.unit.days": (" working days", " 个工作日"),
    "report.unit.days.one": (" working day", " 个工作日"),
    "report.unit.events": (" times", " 次"),
    "report.unit.events.one": (" time", " 次"),
    "report.unit.items": (" items", " 项"),
    "report.unit.items.one": (" item", " 项"),
    "report.unit.villages": (" villages", " 个"),
    "report.unit.villages.one": (" village", " 个"),
    "report.unit.opinions": (" opinions", " 条"),
    "report.unit.opinions.one": (" opinion", " 条"),
    # placeholders: what the officer writes
    "report.todo.nothing_recorded": (
        "[To fill in: {title} — the system has no record of this kind; check and fill in]",
        "【待填写：{title}——本系统未登记相关记录，请核实后填写】",
    ),
    "report.todo.nothing_concluded": (
        "[To fill in: {title} — no concluded case yet to compute it from]",
        "【待填写：{title}——尚无可计算的已办结案件】",
    ),
    "report.todo.unknown": ("[To fill in: {title}]", "【待填写：{title}】"),
    "report.todo.section": (
        "[To fill in: {title} — the system records nothing for this part; describe the year's work]",
        "【待填写：{title}——本系统未登记相关记录，请据实填写本年度工作情况】",
    ),
    "report.todo.shortcomings": (
        "[To fill in: the year's shortcomings — the data show none; describe those found]",
        "【待填写：本年度存在的不足——本系统数据未显示，请据实填写】",
    ),
    "report.todo.causes": (
        "[To fill in: the causes of the shortcomings — the data cannot say why; analyse and fill in]",
        "【待填写：上述不足的原因——数据无法说明原因，请分析后填写】",
    ),
    "report.todo.leaders": (
        "[To fill in: how the principal leaders performed their duty as first responsible persons"
        " (deploying the work, studying the law, solving major problems)]",
        "【待填写：党政主要负责人履行推进法治建设第一责任人职责的情况（部署工作、带头学法、协调解决重大问题等）】",
    ),
    "report.todo.plans": (
        "[To fill in: the work planned for {year} on building a law-based government]",
        "【待填写：{year}年度推进法治政府建设的工作安排】",
    ),
    "report.todo.other": (
        "[To fill in: other matters to report, if any]",
        "【待填写：其他需要报告的事项（如无，可删去本节）】",
    ),
    "report.leaders_study": (
        "Recorded in the system: {sentence}",
        "本系统登记：{sentence}",
    ),
    # the appendix
    "report.sources_intro": (
        "Each figure of the report with the records it counts; every record can be opened by its id in decision-flow.",
        "以下列出报告中每个数字所统计的记录，均可在本系统中按编号逐条查阅。",
    ),
    "report.source": ("{n}. {title}: {value}", "{n}. {title}：{value}"),
    "report.col.id": ("Id", "编号"),
    "report.col.what": ("Record", "记录"),
    "report.col.date": ("Date", "日期"),
    "report.events": ("Event ids: {ids}", "事件编号：{ids}"),
    "report.not_listed": ("(not shown to this reader)", "（无权查阅）"),
    "report.method_heading": ("How a year is counted", "统计方法"),
    "report.method": (
        "A case counts in the year it was opened: the date its procedure names (a decision's start"
        " approval, a normative document's submission for review, a petition's receipt, a mediation's"
        " application, an enforcement case's filing), or, before that date is recorded, the day the case"
        " was created. An activity counts in the year it was held; a withdrawn one never counts. A"
        " catalogue item counts in its catalogue's year. A refused attempt counts in the year it was"
        " refused. Only what the reader may read is counted.",
        "案件按受理、立项之日所在年度计入：即其程序规定的日期（重大行政决策的同意启动、规范性文件的报送审核、"
        "信访事项的受理、人民调解的申请、行政执法案件的立案），尚未登记该日期的，按案件创建之日计入。"
        "活动按举办之日所在年度计入，已撤回的活动不计入。目录事项按其目录所属年度计入。"
        "被拒绝的操作按被拒绝之日所在年度计入。仅统计阅读人有权查阅的记录。",
    ),
    "report.masked": (
        "Personal data and confidential material are masked as this reader sees them.",
        "个人信息和保密内容已按阅读人的权限遮盖。",
    ),
    "report.generated": ("Generated on {day} by decision-flow.", "本报告由本系统于{day}生成。"),
    # the charts
    "report.chart.empty": ("{title}: nothing to chart in {year}.", "{title}：{year}年度没有可绘制的数据。"),
    "report.chart.month": ("Month", "月份"),
    "report.chart.months": (
        "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
        "1月 2月 3月 4月 5月 6月 7月 8月 9月 10月 11月 12月",
    ),
    "report.chart.cases": ("Cases", "案件数（件）"),
    "report.chart.case_id": ("Case id", "案件编号"),
    "report.chart.days": ("Days", "用时（日）"),
    "report.chart.taken": ("Review time", "审核用时"),
    "report.chart.short": ("Shorter than the legal minimum", "短于法定最短时间"),
    "report.chart.minimum": ("Legal minimum", "法定最短时间"),
}
