from django.urls import path

from directives import views

app_name = "directives"

urlpatterns = [
    path("", views.register, name="register"),
    path("assignments/", views.assignment_list, name="assignments"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("mine/", views.my_work, name="my_work"),
    path("review/", views.review_queue, name="review"),
    path("<int:pk>/", views.directive_detail, name="detail"),
    path("<int:pk>/edit/", views.directive_edit, name="edit"),
    path("assignments/<int:pk>/progress/", views.progress_new, name="progress_new"),
    path("assignments/<int:pk>/deadline/", views.deadline_change_new, name="deadline_new"),
    path("updates/<int:pk>/review/", views.update_review, name="update_review"),
    path("updates/<int:pk>/evidence/", views.evidence_download, name="evidence"),
    path(
        "deadline-changes/<int:pk>/decide/",
        views.deadline_change_decide,
        name="deadline_decide",
    ),
]
