"""Operations: the dead-letter queue, listed and replayed."""


class Operations:
    def __init__(self, dead_letters):
        self.dead_letters = dead_letters

    def list_dead_letters(self, request, call):
        return {"items": self.dead_letters.list(call.params["limit"])}

    def replay_dead_letters(self, request, call):
        ids = [str(i) for i in call.body.get("event_ids", [])] or None
        return {"replayed": self.dead_letters.replay(ids)}
