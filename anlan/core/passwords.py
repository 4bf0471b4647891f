"""The password policy's own rule: a password mixes several kinds of characters.

China's graded protection baseline (GB/T 22239-2019, 等级保护 2.0) asks that sign-in credentials
be complex, without fixing a formula; the usual reading is a minimum length and at least three of
the four kinds below. Both numbers are settings (ANLAN_PASSWORD_MIN_LENGTH,
ANLAN_PASSWORD_MIN_CLASSES), so an office can follow its own security rules.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

KINDS = (
    ("lower", str.islower),
    ("upper", str.isupper),
    ("digit", str.isdigit),
    ("other", lambda char: not char.isalnum()),
)


class CharacterKindsValidator:
    """At least `min_kinds` of: lower-case letters, capitals, digits, other characters."""

    def __init__(self, min_kinds: int = 3):
        self.min_kinds = max(1, min(int(min_kinds), len(KINDS)))

    def validate(self, password, user=None):
        used = sum(any(test(char) for char in password) for _name, test in KINDS)
        if used < self.min_kinds:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return ngettext(
            "Your password must mix at least %(count)d kind of character: lower-case letters, "
            "capitals, digits and other characters.",
            "Your password must mix at least %(count)d kinds of characters: lower-case letters, "
            "capitals, digits and other characters.",
            self.min_kinds,
        ) % {"count": self.min_kinds}
