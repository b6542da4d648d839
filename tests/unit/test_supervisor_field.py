"""The supervisor field of an offer, split into name, e-mail and phone."""

from placements.municipalities import services


def test_the_supervisor_field_is_split_into_name_email_and_phone():
    assert services.split_supervisor("Piet Jansen, Piet@Houten.example, 030 - 123 45 67") == {
        "supervisor_name": "Piet Jansen",
        "supervisor_email": "piet@houten.example",
        "supervisor_phone": "030 - 123 45 67",
    }
    assert services.split_supervisor("nog niet bekend")["supervisor_name"] == "nog niet bekend"
