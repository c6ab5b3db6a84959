"""Messages about the official calendar and importing a year of it."""

MESSAGES: dict[str, tuple[str, str]] = {
    # calendar import
    "calendar.file.missing": ("{file}: no such file", "{file}：文件不存在"),
    "calendar.file.folder": ("{file}: is a folder, not a calendar file", "{file}：是文件夹，不是日历文件"),
    "calendar.file.unreadable": ("{file}: cannot be read ({why})", "{file}：无法读取（{why}）"),
    "calendar.file.too_big": (
        "{file}: larger than {max} bytes; a year's calendar file is far smaller",
        "{file}：超过 {max} 字节；一年的日历文件远小于此",
    ),
    "calendar.file.not_utf8": ("{file}: not UTF-8 text (byte {at})", "{file}：不是 UTF-8 文本（第 {at} 字节）"),
    "calendar.file.syntax": (
        "{file}: not valid {format} (line {line}, column {column})",
        "{file}：不是有效的 {format}（第 {line} 行第 {column} 列）",
    ),
    "calendar.file.not_table": ("{file}: {where} must be a table of keys", "{file}：{where} 须为键值表"),
    "calendar.file.unknown_key": (
        "{file}: unknown key {key!r} (keys: {known})",
        "{file}：未知键 {key!r}（可用：{known}）",
    ),
    "calendar.file.unknown_entry_key": (
        "{file}: {where}: unknown key {key!r} (keys: {known})",
        "{file}：{where} 含未知键 {key!r}（可用：{known}）",
    ),
    "calendar.file.missing_key": ("{file}: {where} is missing", "{file}：缺少 {where}"),
    "calendar.file.not_int": (
        "{file}: {where} must be a whole number, not {value!r}",
        "{file}：{where} 须为整数，而非 {value!r}",
    ),
    "calendar.file.year_range": (
        "{file}: year {year} is not between {first} and {last}",
        "{file}：年份 {year} 不在 {first} 至 {last} 之间",
    ),
    "calendar.file.not_text": ("{file}: {where} must be text in quotes", "{file}：{where} 须为加引号的文字"),
    "calendar.file.empty": ("{file}: {where} is empty", "{file}：{where} 为空"),
    "calendar.file.not_date": (
        "{file}: {where}: {value!r} is not a date (YYYY-MM-DD)",
        "{file}：{where}：{value!r} 不是有效日期（YYYY-MM-DD）",
    ),
    "calendar.file.notice_late": (
        "{file}: notice_date {date} is after the year {year} it arranges",
        "{file}：通知日期 {date} 晚于其所安排的 {year} 年",
    ),
    "calendar.file.not_list": ("{file}: {where} must be a list of entries", "{file}：{where} 须为条目列表"),
    "calendar.file.too_many": (
        "{file}: {where} has {count} entries; a year has at most {max}",
        "{file}：{where} 有 {count} 项；一年至多 {max} 项",
    ),
    "calendar.file.outside_year": (
        "{file}: {where} {date} is not in {year} (only the New Year holiday and its adjusted working days may"
        " begin in the December before; the next New Year belongs to the next year's notice)",
        "{file}：{where} {date} 不在 {year} 年（只有元旦假期及其调休上班日可始于上一年 12 月；"
        "下一个元旦属于下一年的通知）",
    ),
    "calendar.file.period_order": (
        "{file}: {where}: from {first} is after to {last}",
        "{file}：{where}：起始日 {first} 晚于结束日 {last}",
    ),
    "calendar.file.period_long": (
        "{file}: {where} is {days} days long; a holiday period is at most {max}",
        "{file}：{where} 长达 {days} 天；一个假期至多 {max} 天",
    ),
    "calendar.file.overlap": (
        "{file}: {first} and {second} overlap on {date}",
        "{file}：{first} 与 {second} 在 {date} 重叠",
    ),
    "calendar.file.not_weekend": (
        "{file}: {where}: {date} is not a Saturday or Sunday; only a weekend day can be an adjusted working day",
        "{file}：{where}：{date} 不是周六或周日；只有周末才能调为上班日",
    ),
    "calendar.file.duplicate": (
        "{file}: {first} and {second} are both {date}",
        "{file}：{first} 与 {second} 都是 {date}",
    ),
    "calendar.file.both": (
        "{file}: {date} is both a holiday ({period}) and an adjusted working day",
        "{file}：{date} 既在假期（{period}）内又是调休上班日",
    ),
    "calendar.notice_future": (
        "{file}: notice_date {date} is after today ({today})",
        "{file}：通知日期 {date} 晚于今天（{today}）",
    ),
    "calendar.admin": ("only an admin may import the official calendar", "只有管理员可以导入法定工作日历"),
    "calendar.exists": (
        "{year} is already imported (from {notice}, sha256 {sha256}); to replace it give --replace --reason TEXT",
        "{year} 年已导入（依据 {notice}，sha256 {sha256}）；如需替换，请加 --replace --reason 理由",
    ),
    "calendar.nothing_to_replace": (
        "{year} is not imported yet: import it without --replace",
        "{year} 年尚未导入：请不加 --replace 导入",
    ),
    "calendar.unchanged": (
        "{year} is already imported with exactly this content (sha256 {sha256})",
        "{year} 年已按完全相同的内容导入（sha256 {sha256}）",
    ),
    "calendar.no_reason": (
        "replacing an imported year needs a reason (--reason)",
        "替换已导入的年份须说明理由（--reason）",
    ),
    "calendar.reason_alone": ("--reason goes with --replace", "--reason 须与 --replace 同用"),
    "calendar.conflict": (
        "{year} was imported by someone else meanwhile; nothing was written: see dflow calendar show {year}",
        "{year} 年已被他人同时导入；本次未写入任何内容，请用 dflow calendar show {year} 查看",
    ),
    "calendar.damaged": (
        "the imported calendar for {year} in the database does not match its own sha256: run dflow audit verify",
        "数据库中 {year} 年的已导入日历与其 sha256 不符：请运行 dflow audit verify",
    ),
    "calendar.imported": (
        "imported the official calendar for {year} from {notice} ({notice_date}): {holidays} holiday periods,"
        " {workdays} adjusted working days; sha256 {sha256}",
        "已导入 {year} 年法定工作日历，依据 {notice}（{notice_date}）：{holidays} 个假期，{workdays} 个调休上班日；"
        "sha256 {sha256}",
    ),
    "calendar.replaced": (
        "replaced the official calendar for {year} (was sha256 {previous}) with {notice} ({notice_date}):"
        " {holidays} holiday periods, {workdays} adjusted working days; sha256 {sha256}",
        "已替换 {year} 年法定工作日历（原 sha256 {previous}），依据 {notice}（{notice_date}）：{holidays} 个假期，"
        "{workdays} 个调休上班日；sha256 {sha256}",
    ),
    "calendar.show.imported": (
        "{year}: imported from {notice} ({notice_date}) by {by} at {at}; sha256 {sha256}",
        "{year} 年：依据 {notice}（{notice_date}）导入，导入人 {by}，时间 {at}；sha256 {sha256}",
    ),
    "calendar.show.overrides": (
        "  it takes precedence over chinese-calendar {version}'s data for {year}",
        "  优先于 chinese-calendar {version} 中 {year} 年的数据",
    ),
    "calendar.show.shipped": (
        "{year}: from chinese-calendar {version} (the State Council's notice as the package carries it)",
        "{year} 年：来自 chinese-calendar {version}（该软件包收录的国务院办公厅通知）",
    ),
    "calendar.show.holidays": ("holidays:", "放假："),
    "calendar.show.workdays": ("adjusted working days:", "调休上班日："),
    "calendar.show.none": ("  none", "  无"),
    "calendar.show.period": ("  {first} – {last}  {name} ({days} d)", "  {first} 至 {last}  {name}（共 {days} 天）"),
    "calendar.show.workday": ("  {date} ({weekday})  {name}", "  {date}（{weekday}）  {name}"),
    "calendar.weekdays": ("Mon Tue Wed Thu Fri Sat Sun", "周一 周二 周三 周四 周五 周六 周日"),
    "calendar.check.none": ("no year is imported: nothing to compare", "尚未导入任何年份：无可比对"),
    "calendar.check.agrees": (
        "{year}: agrees with chinese-calendar {version}",
        "{year} 年：与 chinese-calendar {version} 一致",
    ),
    "calendar.check.not_covered": (
        "{year}: chinese-calendar {version} does not cover it; nothing to compare",
        "{year} 年：chinese-calendar {version} 未收录该年；无可比对",
    ),
    "calendar.check.differs": (
        "{year}: {count} day(s) differ from chinese-calendar {version}:",
        "{year} 年：有 {count} 天与 chinese-calendar {version} 不一致：",
    ),
    "calendar.check.day": (
        "  {date}: imported says {imported}, chinese-calendar says {shipped}{counts}",
        "  {date}：导入的数据为{imported}，chinese-calendar 为{shipped}{counts}",
    ),
    "calendar.check.counts": (" (working-day counts differ)", "（工作日计数不同）"),
    "calendar.kind.holiday": ("a holiday", "放假"),
    "calendar.kind.workday": ("an adjusted working day", "调休上班日"),
    "calendar.kind.weekday": ("an ordinary working day", "普通工作日"),
    "calendar.kind.weekend": ("an ordinary weekend day", "普通周末"),
}
