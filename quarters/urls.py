from django.urls import path

from quarters.drafting import consolidated_draft
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
    path("<quarter:quarter>/", quarter_detail, name="detail"),
    path("<quarter:quarter>/draft/", consolidated_draft, name="draft"),
    path("<quarter:quarter>/report.docx", quarter_report_docx, name="report_docx"),
    path("<quarter:quarter>/indicators.xlsx", quarter_indicators_xlsx, name="indicators_xlsx"),
    path("<quarter:quarter>/directives.xlsx", quarter_directives_xlsx, name="directives_xlsx"),
    path(
        "<quarter:quarter>/meetings/<int:pk>/notice.docx", meeting_notice_docx, name="notice_docx"
    ),
]
