"""The shared factories make what their names say (the portal's and labs' tests build on them)."""

from classrooms.models import Seat

from .factories import PERSON_PASSWORD, ClassroomFactory, InstructorFactory, PersonFactory, SeatFactory


def test_people_instructors_classrooms_and_seats(db):
    person = PersonFactory()
    assert person.check_password(PERSON_PASSWORD) and not person.is_staff
    assert not person.has_perm("classrooms.teach")
    instructor = InstructorFactory()
    assert instructor.has_perm("classrooms.teach") and instructor.check_password(PERSON_PASSWORD)
    classroom = ClassroomFactory(instructor=instructor)
    seat = SeatFactory(classroom=classroom, student=person)
    assert seat.status == Seat.Status.READY and seat.account_id and list(classroom.seats.all()) == [seat]
