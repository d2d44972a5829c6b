from django.urls import path

from accounts import views

urlpatterns = [
    path("password/", views.PasswordChange.as_view(), name="password_change"),
    path("password/reset/", views.PasswordReset.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDone.as_view(), name="password_reset_done"),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
    path("two-factor/", views.TwoFactorPage.as_view(), name="two_factor"),
    path("two-factor/verify/", views.TwoFactorVerify.as_view(), name="two_factor_verify"),
    path("two-factor/setup/", views.TwoFactorSetup.as_view(), name="two_factor_setup"),
    path("two-factor/codes/", views.RecoveryCodes.as_view(), name="two_factor_codes"),
    path("two-factor/codes/new/", views.two_factor_new_codes, name="two_factor_new_codes"),
    path("two-factor/off/", views.two_factor_off, name="two_factor_off"),
    path("reset/done/", views.PasswordResetComplete.as_view(), name="password_reset_complete"),
]
