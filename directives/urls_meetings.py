from django.urls import path

from directives import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_edit, name="new"),
    path("search/", views.meeting_search, name="search"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="edit"),
    path("<int:pk>/pack/", views.briefing_pack, name="pack"),
    path("<int:pk>/pack.docx", views.briefing_pack_document, name="pack_docx"),
    path("<int:pk>/notice/", views.notice_edit, name="notice"),
    path("<int:meeting_pk>/directives/new/", views.directive_edit, name="directive_new"),
    path(
        "<int:meeting_pk>/recommendations/new/",
        views.recommendation_edit,
        name="recommendation_new",
    ),
    path("recommendations/<int:pk>/edit/", views.recommendation_edit, name="recommendation_edit"),
]
