public class T { [Fact] public void A() => 1.ShouldBe(1); }
