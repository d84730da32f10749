"""The console's delete dialogs: a destructive action runs only when its text field holds what the
dialog asks for (the entity's name, its ID, or "delete" for several at once)."""


def confirmation_error(request, expected, what, *, verb="deletion"):
    """ "" when the posted `confirm` field holds `expected` (spaces around it ignored), else the
    console's message: "To confirm deletion, enter the user name in the text input field."."""
    if request.POST.get("confirm", "").strip() == expected:
        return ""
    return f"To confirm {verb}, enter {what} in the text input field."
