"""The classroom portal's pages: people, classrooms, seats, labs, the instructor's matrix."""
