from django.core.management.base import BaseCommand

from accounts.demo import DEMO_PASSWORD, DEMO_USERS
from accounts.models import User


class Command(BaseCommand):
    help = "Print the demo logins for each role."

    def handle(self, *args, **options):
        present = set(
            User.objects.filter(username__in=[u[0] for u in DEMO_USERS]).values_list("username", flat=True)
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role, agency, _enterprise, real_name in DEMO_USERS:
            if username in present:
                self.stdout.write(f"  {username:<18} {role:<11} {agency or ''} {real_name}")
