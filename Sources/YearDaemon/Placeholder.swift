import YearCore
