"""The craftsman-class services' and rules' fixed refusals and labels, marked for the catalog.

The services answer in Chinese, as the API does; the pages translate what they show
(`translate()` in the templates, `_()` in the views) when the catalog knows it. Marking them
here keeps the services free of page concerns, as `service_messages.py` does for contests.
Messages with values in them (a name, a row number) stay in Chinese.
"""

from __future__ import annotations

from competition.core.i18n import N_

CRAFTSMAN_MESSAGES = (
    # bands (stored labels of the usual bands, and the one below them)
    N_("优秀"),
    N_("良好"),
    N_("合格"),
    N_("不合格"),
    # finding things, and who may do what (competition.reviews.policy)
    N_("没有这个研修班"),
    N_("本研修班没有这名学员"),
    N_("您不是该研修班的评审专家，不能评审"),
    N_("只有评审专家组组长可以签署评审结果"),
    N_("您无权查看该研修班"),
    N_("只有组委会和本研修班的评审专家可以查看学员名单"),
    N_("只有组委会和评审专家组组长可以查看全班评审结果"),
    N_("只能查看本人的评审档案"),
    # a signed cohort
    N_("评审结果已经签署"),
    N_("本研修班还没有学员，无结果可签署"),
    N_("评审结果已由专家组组长签署并锁定，不能再修改评审"),
    N_("评审结果已由专家组组长签署并锁定，不能再修改评分细则"),
    N_("评审结果已由专家组组长签署并锁定，不能再修改等次"),
    N_("评审结果已由专家组组长签署并锁定，不能再增加学员"),
    N_("评审结果已由专家组组长签署并锁定，不能再调整专家组"),
    N_("评审结果已由专家组组长签署并锁定，不能再更换专家组组长"),
    N_("已有专家提交评审，不能再修改评分细则"),
    N_("已有专家提交评审，不能再修改等次设置"),
    # the rubric, the bands, the scores (services.craftsman, from scoring.review's problems)
    N_("评分细则应为列表"),
    N_("评分细则最多 20 项"),
    N_("应为对象"),
    N_("代码应为小写字母开头的字母、数字或下划线，最长 32 位"),
    N_("代码重复"),
    N_("名称不能为空"),
    N_("权重应大于 0 且不超过 100，最多两位小数"),
    N_("等次应为列表"),
    N_("至少需要一个等次"),
    N_("等次代码应为小写字母开头的字母、数字或下划线（fail 表示不合格，不能使用）"),
    N_("等次代码重复"),
    N_("最低分应大于 0 且不超过 100，最多两位小数"),
    N_("与另一等次的最低分相同"),
    N_("应为所设等次之一（不能是不合格）"),
    N_("应为数字"),
    N_("分数应在 0 到 100 之间"),
    N_("分数最多保留两位小数"),
    N_("最多保留 2 位小数"),
    N_("缺少此项评分"),
    N_("评分细则中没有此项"),
    N_("按评分细则评分时不能直接提交总分"),
    N_("必填：按评分细则逐项评分"),
    N_("本研修班未设评分细则，请提交 score"),
    N_("必填"),
    N_("数值过大"),
    N_("应为整数"),
    N_("年份应在 1949 到 2100 之间"),
    N_("长度应为 1-2000 个字符"),
    N_("长度应为 1-200 个字符"),
    N_("长度应为 1-100 个字符"),
    N_("长度应为 1-32 个字符"),
    N_("最长 200 个字符"),
    N_("最长 20 个字符"),
    # trainees and the panel
    N_("名称已被使用"),
    N_("该用户不是学员角色"),
    N_("只能关联角色为学员（trainee）的登录"),
    N_("该登录已关联本班另一名学员"),
    N_("已关联本班另一名学员"),
    N_("本班已有同单位同名学员"),
    N_("只有评审专家（expert）角色的用户可以加入专家组"),
    N_("该用户不是评审专家角色"),
    N_("该专家已在本研修班专家组中"),
    N_("已在专家组中"),
    N_("该用户不是本研修班的评审专家"),
    N_("不是本研修班的评审专家"),
    N_("用户名已被使用"),
    # the Excel import (services.craftsman_excel)
    N_("姓名"),
    N_("工作单位"),
    N_("荣誉称号"),
    N_("登录名"),
    N_("姓名不能为空"),
    N_("工作单位不能为空"),
    N_("上传的文件是空的"),
    N_("文件不是 Excel 工作簿（.xlsx）；旧版 .xls 请先另存为 .xlsx"),
    N_("文件不是 Excel 工作簿（.xlsx）"),
    N_("文件解压后过大，请只保留学员名单"),
    N_("工作簿中没有工作表"),
    N_("无法读取该 Excel 文件，文件可能已损坏"),
    N_("文件中只有列标题，没有学员"),
)
