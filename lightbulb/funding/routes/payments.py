from django.urls import path

from lightbulb.funding.views import payments

urlpatterns = [
    path("payments/", payments.payment_list, name="payment_list"),
    path("payments/<int:pk>/", payments.payment_detail, name="payment_detail"),
    path("payments/<int:pk>/paid", payments.payment_paid, name="payment_paid"),
    path("payments/<int:pk>/hold", payments.payment_hold, name="payment_hold"),
    path("payments/<int:pk>/invoice", payments.payment_invoice, name="payment_invoice"),
    path("payments/<int:pk>/release", payments.payment_release, name="payment_release"),
    path("payments/<int:pk>/claw-back", payments.payment_claw_back, name="payment_claw_back"),
    path("agreements/<int:pk>/payments/", payments.agreement_payments, name="agreement_payments"),
    path("agreements/<int:pk>/payments/schedule", payments.agreement_payments_schedule, name="agreement_payments_schedule"),
    path("agreements/<int:pk>/payments/milestone", payments.agreement_milestone_add, name="agreement_milestone_add"),
]
