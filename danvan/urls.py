from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from danvan import health, views
from danvan.security import AdminSignInForm, SignInForm

admin.site.login_form = AdminSignInForm

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=SignInForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("reports/", include("reports.urls")),
    path("meetings/", include("directives.urls_meetings")),
    path("directives/", include("directives.urls")),
    path("quarters/", include("quarters.urls")),
    path("notifications/", include("notifications.urls")),
]

handler403 = "danvan.views.permission_denied"
