"""Messages of `dflow report annual`, the annual rule-of-law report (法治政府建设年度报告):
what is typed and what is said when it is written. The report's own words are in
:mod:`.report`."""

MESSAGES: dict[str, tuple[str, str]] = {
    "report.no_output": (
        "say where to write the report (-o FILE.docx or -o FILE.pdf), or print its figures with --json",
        "请指明报告写入的文件（-o 文件.docx 或 -o 文件.pdf），或用 --json 输出各项数据",
    ),
    "report.written": (
        "annual report written to {file}: {figures} figures counted from the data; {placeholders} places left for"
        " you to write (marked [To fill in])",
        "年度报告已写入 {file}：{figures} 项数据由系统统计；{placeholders} 处留待填写（标有【待填写】）",
    ),
}
