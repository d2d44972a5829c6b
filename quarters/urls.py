from django.urls import path

from quarters.views import (
    meeting_notice_docx,
    quarter_detail,
    quarter_directives_xlsx,
    quarter_indicators_xlsx,
    quarter_list,
    quarter_report_docx,
)

app_name = "quarters"
urlpatterns = [
    path("", quarter_list, name="list"),
    path("<str:slug>/", quarter_detail, name="detail"),
    path("<str:slug>/report.docx", quarter_report_docx, name="report_docx"),
    path("<str:slug>/indicators.xlsx", quarter_indicators_xlsx, name="indicators_xlsx"),
    path("<str:slug>/directives.xlsx", quarter_directives_xlsx, name="directives_xlsx"),
    path("<str:slug>/meetings/<int:pk>/notice.docx", meeting_notice_docx, name="notice_docx"),
]
