"""The course portal: students submit and get feedback, TAs grade, instructors watch."""
