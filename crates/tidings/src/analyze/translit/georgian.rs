//! Georgian (Mkhedruli and Mtavruli).

use super::*;

pub(crate) fn georgian(c: char, out: &mut String) {
    let c = lower(c);
    let s = match c {
        'ა' => "a",
        'ბ' => "b",
        'გ' => "g",
        'დ' => "d",
        'ე' => "e",
        'ვ' => "v",
        'ზ' => "z",
        'თ' | 'ტ' => "t",
        'ი' => "i",
        'კ' | 'ქ' => "k",
        'ლ' => "l",
        'მ' => "m",
        'ნ' => "n",
        'ო' => "o",
        'პ' | 'ფ' => "p",
        'ჟ' => "zh",
        'რ' => "r",
        'ს' => "s",
        'უ' => "u",
        'ღ' => "gh",
        'ყ' => "q",
        'შ' => "sh",
        'ჩ' | 'ჭ' => "ch",
        'ც' | 'წ' => "ts",
        'ძ' => "dz",
        'ხ' => "kh",
        'ჯ' => "j",
        'ჰ' => "h",
        'ჱ' => "e",
        'ჲ' => "y",
        'ჳ' => "w",
        'ჴ' => "q",
        'ჵ' => "o",
        'ჶ' => "f",
        _ => {
            out.push(c);
            return;
        }
    };
    out.push_str(s);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::translit::check;

    #[test]
    fn georgian() {
        check(
            "transliterate",
            &[
                ("პუტინი", "putini".to_string()),
                ("თბილისი", "tbilisi".to_string()),
                ("საქართველო", "sakartvelo".to_string()),
                ("ᲗᲑᲘᲚᲘᲡᲘ", "tbilisi".to_string()), // Mtavruli
            ],
            transliterate,
        );
    }
}
