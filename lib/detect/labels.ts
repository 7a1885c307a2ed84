/**
 * The words shops put on their pages, in the ten languages of the
 * catalogue's markets (German, English, French, Dutch, Italian, Spanish,
 * Polish, Swedish, Danish, Czech), their neighbours (Slovak, Finnish,
 * Portuguese, Hungarian, Norwegian, Romanian), and the largest other
 * shopping languages a partner's shop may be written in (Japanese, Chinese,
 * Russian, Ukrainian, Turkish, Korean): the thank-you that follows an order, the
 * order-number and grand-total labels, and the words that say a page is
 * something else (the final step's button, a failed payment). Matched on
 * lower-cased text with spaces collapsed.
 */

function anyOf(...sources: string[]): string {
  return `(?:${sources.join('|')})`;
}

/**
 * Status words that name the step ("Bestellung abgeschlossen", "Order
 * confirmed", "Bestellbestätigung"): a confirmation's headline, but also a
 * line in an order-tracking timeline or an e-mail settings page, so they
 * count fully only as a heading or the page title.
 */
export const ORDER_STATUS = new RegExp(
  anyOf(
    'bestellung (?:erfolgreich )?(?:abgeschlossen|aufgegeben|eingegangen|best(?:ä|ae)tigt)',
    'bestellung erhalten',
    'order (?:confirmed|received|complete|completed|placed|successful|success)\\b',
    'order confirmation',
    'order receipt',
    'purchase (?:complete|completed|successful)',
    'commande (?:confirmée|validée|enregistrée|reçue)',
    'confirmation de (?:la |votre )?commande',
    'bestelling (?:geplaatst|ontvangen|bevestigd|afgerond)',
    'ordine (?:confermato|ricevuto|completato|effettuato)',
    "conferma (?:dell'|dell’)?\\s?ordine",
    'pedido (?:confirmado|recibido|realizado|completado)',
    'confirmación (?:del|de) (?:tu |su )?pedido',
    'potwierdzenie zamówienia',
    'orderbekräftelse',
    'ordrebekræftelse',
    'potvrzení objednávky',
    'bestellbest(?:ä|ae)tigung',
    'best(?:ä|ae)tigung (?:der|ihrer|deiner) bestellung',
    'orderbevestiging',
    'bestelbevestiging',
    // Japanese, Chinese, Russian, Ukrainian, Turkish, Korean
    'ολοκλήρωση παραγγελίας', 'ご?注文(?:の)?完了', '購入完了', '订单(?:确认|完成)', '訂單(?:確認|完成)', 'подтверждение заказа', 'заказ (?:оформлен|принят|получен)', 'замовлення (?:оформлено|отримано|отримане|прийнято|прийняте)',
    'sipariş (?:onayı|tamamlandı|alındı)', '주문 ?완료',
  ),
);

/** "Thank you for your order" and "your order has been received", the sentence every confirmation carries. */
export const ORDER_THANKS = new RegExp(
  anyOf(
    // A payment gateway's return page says the payment went through, the order's number often only in a link:
    // said only once the order is paid for, as surely as a thank-you
    // … but not the condition a review step or an instruction sets: "dispatched once your payment has been received"
    '(?<!(?:once|when|after|until|till|as soon as|before) )(?:your )?payment (?:was |has been )?successfully (?:accepted|received|completed|processed|made)',
    '(?<!(?:once|when|after|until|till|as soon as|before) )your payment (?:was|has been) (?:successful|accepted|received)',
    '(?:ihre |deine )?zahlung (?:war|wurde) erfolgreich(?: (?:abgeschlossen|durchgeführt|verarbeitet))?', 'votre paiement a (?:bien )?été (?:accepté|effectué|reçu)',
    // German
    '(?:vielen |herzlichen |besten )?dank(?:e)?(?: sch(?:ö|oe)n)? f(?:ü|ue)r (?:ihre[nm]?|deine[nm]?|eure[nm]?) (?:bestellung|auftrag|einkauf|kauf)',
    'merci f(?:ü|ue)r (?:ihre|deine|eure) bestellung',
    '(?:ihre|deine) bestellung (?:ist|wurde) (?:(?:bei uns|erfolgreich|soeben|hiermit) )*(?:eingegangen|aufgegeben|abgeschlossen|abgeschickt|(?:ü|ue)bermittelt|angenommen|entgegengenommen|erhalten|aufgenommen|best(?:ä|ae)tigt|versendet|gespeichert|angelegt|platziert|verarbeitet|bearbeitet)',
    '(?:ihre|deine) bestellung wird (?:jetzt |nun |umgehend )?(?:bearbeitet|verarbeitet)',
    'wir haben (?:ihre|deine) bestellung (?:(?:#|nr\\.? ?|nummer )?[\\w-]{1,40} )?(?:erhalten|empfangen)',
    // "Your order number is …", in each language: said only once an order exists
    '(?:ihre|deine) bestellnummer (?:ist|lautet)', 'votre num(?:é|e)ro de commande est', '(?:tu|su) n(?:ú|u)mero de pedido es', "il (?:tuo|vostro) numero (?:d'|d’|di )\\s?ordine (?:è|e')",
    '(?:uw|je|jouw) (?:bestel|order)nummer is', '(?:twój|pana|pani) numer zamówienia to',
    '(?:ihre|deine) bestellung (?:bei|an|auf|in|im shop|im) [^.!?]{1,40} (?:ist|wurde) (?:(?:bei uns|erfolgreich) )?(?:eingegangen|aufgegeben|abgeschlossen|angenommen|erhalten)',
    'bestellbest(?:ä|ae)tigung (?:wurde|haben wir|ist) [^.!?]{0,60}(?:gesendet|geschickt|unterwegs|verschickt)',
    '(?:ihre|deine) bestellung wird (?:nun |jetzt |bereits )?(?:bearbeitet|bearbeitet und)',
    '(?:ihre|deine) bestellung (?:wurde|ist) (?:erfolgreich )?ausgef(?:ü|ue)hrt',
    '(?:du hast|sie haben) erfolgreich (?:eine|ihre|deine) bestellung',
    '(?:ihre|deine) bestellung ist unter der nummer',
    // English
    'thank(?:s| you)(?: so much| very much)?,? for (?:your|the) (?:order|purchase|business)',
    'your order (?:has been|was|is|is now) (?:successfully )?(?:received|placed|confirmed|submitted|completed|complete|accepted|processed|registered)',
    // A payment provider's return page (Vanilo with PayPal or Mollie): the order exists, its payment went through or is being captured
    '(?:your )?payment for (?:your )?order #?[\\w-]{1,40} (?:was successful|has been (?:received|completed|accepted)|is being processed)',
    "we(?:'ve|’ve| have) received your order",
    'your order number is',
    'your order (?:#|no\\.? ?|number )?[\\w-]{1,40} (?:is|has been) (?:confirmed|received|placed)',
    'your order (?:at|with|from) [^.!?]{1,40} (?:has been|was|is) (?:received|placed|confirmed)',
    '(?:sent|emailed) (?:you )?(?:a|an|the|your) (?:order )?confirmation (?:email |e-mail )?(?:for (?:your )?order|of your order|with your order)',
    '(?:order confirmation|receipt) (?:has been|was|is on its way)(?: sent| emailed)?',
    "(?:we(?:'ve|’ve| have)? )?(?:emailed|sent) (?:you )?(?:a |your )?(?:order )?(?:confirmation|receipt) (?:to|at) ",
    'your order is (?:now )?being processed',
    'you have successfully placed (?:an|your) order',
    'your order and (?:your )?payment have been (?:successfully )?(?:processed|received|completed|accepted)',
    // A membership bought like an order (Paid Memberships Pro), with its receipt on the page
    'thank(?:s| you) for your membership', '(?:nous vous remercions|merci) (?:pour|de) votre adhésion', '(?:vielen )?dank f(?:ü|ue)r (?:ihre|deine) mitgliedschaft',
    // "You will receive an order confirmation by e-mail shortly": said once the order exists (Django LFS), in each language
    'you will (?:shortly |soon )?receive (?:an? |your )?(?:e-?mail )?(?:order )?confirmation(?: e-?mail)? (?:of|for) your order', 'you will (?:shortly |soon )?receive an? order confirmation',
    'vous recevrez (?:sous peu |bientôt |prochainement |rapidement )?un (?:e-?mail|courriel|mail) de confirmation de (?:votre|la) commande',
    '(?:wkrótce )?otrzymasz (?:e-?mail z )?potwierdzenie(?:m)? zamówienia',
    'we registered your order',
    // French
    'merci (?:pour|de) (?:votre|ta) (?:commande|achat)',
    "merci d'avoir (?:commandé|passé (?:votre )?commande|effectué votre commande)", "merci d’avoir (?:commandé|passé (?:votre )?commande)",
    'thank(?:s| you) for ordering', 'danke,? dass (?:sie|du) bei uns bestellt',
    'nous vous remercions (?:de|pour) votre (?:commande|achat)', 'nous avons (?:bien )?pris en compte votre commande',
    'votre commande (?:a (?:bien )?été|est) (?:bien )?(?:enregistrée|validée|reçue|confirmée|passée|prise en compte|envoyée|traitée|effectuée|finalisée)',
    'votre commande (?:sur|chez|auprès de) [^.!?]{1,40} a (?:bien )?été (?:enregistrée|validée|reçue|confirmée|prise en compte)',
    'récapitulatif de (?:votre )?commande vous a été envoyé',
    '(?:a )?summary of your order has been (?:sent|emailed)', 'order summary has been (?:sent|emailed)',
    'commande (?:#|n°|no )?[\\w-]{1,40} (?:est|a été) (?:bien )?(?:confirmée|enregistrée|soumise|passée|validée)(?: avec succès)?',
    '(?<!from )order (?:#|no\\.? )?[\\w-]{1,40} (?:has been|was) (?:successfully )?(?:submitted|placed)',
    '(?<!from )order (?:#|no\\.? ?|number )?[\\w-]{1,40} (?:is|has been|was) (?:now )?(?:confirmed|received)',
    'bestellung (?:#|nr\\.? )?[\\w-]{1,40} wurde (?:erfolgreich )?(?:aufgegeben|übermittelt|angelegt|abgeschickt)',
    // Dutch
    '(?:hartelijk |heel erg )?bedankt voor (?:je|uw|jouw) (?:bestelling|aankoop|order)',
    '(?:je|uw|jouw) (?:bestelling|order) is (?:succesvol )?(?:geplaatst|ontvangen|bevestigd|afgerond|verwerkt)',
    '(?:je|uw) (?:bestelling|order) (?:bij|in) [^.!?]{1,40} is (?:succesvol )?(?:geplaatst|ontvangen|bevestigd)',
    // Italian
    "grazie per (?:il tuo|il vostro|l'|l’)\\s?(?:ordine|acquisto)",
    "grazie per aver (?:effettuato l'ordine|ordinato|acquistato)",
    'il (?:tuo|vostro) ordine (?:è stato|e\' stato|è) (?:ricevuto|confermato|completato|effettuato|inviato|elaborato|registrato)',
    // Spanish
    'gracias por (?:tu|su) (?:pedido|compra|orden)',
    '(?:tu|su) orden (?:ha sido|fue|se ha|está) (?:recibida|confirmada|realizada|completada|registrada|procesada)',
    '(?:tu|su) pedido (?:ha sido|se ha|fue|está) (?:recibido|confirmado|realizado|completado|registrado|procesado|tramitado)',
    // "We have received your order", in each language
    'we(?: have|\'ve)? received your order', 'wir haben (?:ihre|deine) bestellung (?:erhalten|empfangen)', 'nous avons (?:bien )?reçu votre commande',
    'we hebben (?:je|uw|jouw) bestelling ontvangen', 'abbiamo ricevuto il (?:tuo|vostro) ordine', 'hemos recibido (?:tu|su) pedido',
    'otrzymaliśmy (?:twoje |państwa )?zamówienie', 'vi har (?:mottagit|tagit emot) (?:din|er) (?:beställning|order)', 'vi har modtaget (?:din|jeres) (?:ordre|bestilling)',
    'obdrželi jsme (?:vaši |tvou )?objednávku', 'recebemos (?:a sua|o seu|sua|seu) (?:encomenda|pedido)', 'megkaptuk (?:a )?rendelés',
    // Polish
    'dziękujemy za (?:złożenie )?(?:zamówienia|zamówienie|zakup|zakupy)',
    '(?:twoje|państwa|pana|pani)? ?zamówienie (?:zostało )?(?:(?:pomyślnie|poprawnie|prawidłowo) )?(?:przyjęte|złożone|potwierdzone|zrealizowane|przyjęto|przetworzone|przekazane do realizacji)',
    'złożył(?:eś|aś|eś\\(-aś\\)) zamówienie',
    // Swedish
    'tack för (?:din|er) (?:beställning|order|köp)',
    'tack för ditt köp',
    '(?:din|er) (?:beställning|order) (?:är|har) (?:mottagen|bekräftad|lagts|tagits emot|genomförd)',
    // Danish
    'tak for (?:din|jeres) (?:ordre|bestilling)',
    'tak for dit køb',
    '(?:din|jeres) (?:ordre|bestilling) er (?:modtaget|bekræftet|gennemført|afgivet)',
    // Czech
    'děkujeme za (?:vaši |tvou |vaší )?(?:objednávku|nákup)',
    '(?:vaše |tvoje )?objednávka (?:byla )?(?:úspěšně )?(?:přijata|odeslána|dokončena|potvrzena|vytvořena)',
    '(?:vaše |tvoje )?objednávka (?:je|byla) potvrzen[aá]',
    // Slovak
    'ďakujeme (?:vám )?za (?:vašu |tvoju )?(?:objednávku|nákup)', '(?:vaša |tvoja )?objednávka (?:bola )?(?:prijatá|potvrdená|odoslaná)',
    // Finnish
    'kiitos (?:tilauksestasi|tilauksestanne|ostoksestasi|ostoksistasi)', 'tilauksesi on (?:vastaanotettu|vahvistettu)', 'tilausvahvistus',
    // Portuguese
    'obrigad[oa] (?:pela|por) (?:sua |tua )?(?:encomenda|compra|pedido)', 'agradecemos (?:por|pela|pelo) (?:comprar|sua compra|seu pedido|sua encomenda)', 'obrigad[oa] por comprar', '(?:a sua|a tua|o seu|o teu) (?:encomenda|pedido) foi (?:registad[ao]|recebid[ao]|confirmad[ao]|efetuad[ao])', 'confirmação (?:da|de|do) (?:sua )?(?:encomenda|pedido)',
    // Hungarian
    'köszönjük (?:a |hogy )?(?:(?:meg)?rendelés(?:ed|ét|t|üket)|vásárlás(?:t|át|odat)|vásároltál|nálunk vásárolt)', '(?:rendelésed|rendelését) (?:sikeresen )?(?:rögzítettük|fogadtuk|megkaptuk)',
    // Norwegian
    'takk for (?:din |handelen|bestillingen|ordren)(?:bestilling|ordre)?', '(?:din )?(?:bestilling|ordre) er (?:mottatt|bekreftet|registrert)', 'ordrebekreftelse', 'bestillingsbekreftelse',
    'vi har mottatt (?:din|deres) (?:bestilling|ordre)', 'vi har mottatt bestillingen din',
    // Romanian
    'mulțumim pentru (?:comanda|comandă|cumpărături|achiziți[ea]|achiziția ta)', 'gracias por comprar (?:con nosotros|en)', 'comanda (?:ta|dumneavoastră) a fost (?:înregistrată|plasată|confirmată)',
    // Greek
    'ευχαριστούμε (?:για την|για τις) (?:παραγγελία|αγορά|αγορές)', 'η παραγγελία σας (?:ολοκληρώθηκε|καταχωρήθηκε|ελήφθη|έχει ληφθεί|επιβεβαιώθηκε)',
    // Japanese
    'ご(?:注文|購入)(?:いただき|頂き)?[、,]?\\s?(?:誠に|まことに)?ありがとうございま(?:した|す)', 'ご注文を(?:承り|受け付け)ました', 'ご注文(?:が|を)完了(?:しました|いたしました)', '注文が確定しました',
    // Chinese
    '(?:感谢|谢谢|感謝|謝謝)(?:您|你)的(?:订单|訂單|订购|訂購|购买|購買)', '(?:您的|你的)?订单(?:已经?)(?:提交|确认|收到|成功)', '(?:您的|你的)?訂單(?:已經?)(?:提交|確認|成立|送出)', '(?:下单|下單)成功', '订单提交成功', '(?:支付|付款)成功',
    // Russian, Ukrainian
    'спасибо за (?:ваш |твой )?(?:заказ|покупку)', '(?:ваш )?заказ (?:№ ?\\S+ )?(?:успешно )?(?:оформлен|принят|создан|размещ[её]н|подтвержд[её]н)',
    'дякуємо за (?:ваше )?(?:замовлення|покупку)', '(?:ваше )?замовлення (?:№ ?\\S+ )?(?:успішно )?(?:оформлено|прийнято|створено|підтверджено)',
    // Turkish
    'siparişiniz (?:için teşekkür|alındı|başarıyla (?:oluşturuldu|alındı|tamamlandı)|oluşturuldu|onaylandı|tamamlandı)', 'alışverişiniz için teşekkür',
    // Korean
    '(?:주문|구매)(?:해 ?주셔서) 감사합니다', '주문이 (?:완료|접수)되었습니다',
  ),
);

/** An invoice or a payment reference: what a bank transfer is to carry, often (not always) the order number. */
export const PAYMENT_REFERENCE_LABEL =
  /^(?:verwendungszweck|zahlungsreferenz|payment reference|reference|communication(?: structurée)?|référence du virement|betalingskenmerk|causale|concepto|tytuł(?:em)? przelewu|variabilní symbol|ocr(?:-nummer)?|referencia de pago)\s*:?$/;

/** The heading of an invoice, which repeats an order with its total. */
/**
 * A heading that names an invoice by its number ("Invoice #1187", "Rechnung 00318"). Several shop
 * systems (X-Cart's checkout success page) show the order as its invoice, numbered as the order.
 */
export const INVOICE_NUMBER_HEADING = /^(?:vat |tax )?(?:invoice|rechnung|facture|factuur|fattura|factura|faktura|faktúra|lasku|számla)\s*(?:#|no\.?|nr\.?|n[°º]\.?)?\s*([a-z0-9._/-]{0,30}\d[a-z0-9._/-]{0,30})$/;

/** A label naming the invoice's or receipt's number on its own ("Invoice number:", "Rechnungsnummer:"): Snipcart's and Commerce.js's only number for the order. */
export const INVOICE_NUMBER_LABEL =
  /^(?:(?:invoice|receipt) (?:number|no\.?|#)|rechnungs-?(?:nummer|nr\.?)|num[ée]ro de (?:facture|reçu)|factuurnummer|numero (?:di )?fattura|n[úu]mero de factura|numer faktury)\s*:?$/;

export const INVOICE_HEADING = /^(?:vat |tax )?(?:invoice|rechnung|facture|factuur|fattura|factura|faktura|faktúra|lasku|számla)(?: no\.?| nr\.?| #)?$/;

/** Titles of a receipt page ("Receipt - Store", "Le reçu"). */
export const RECEIPT_TITLE = /(?:^|[\s|–-])(?:receipt|reçu|le reçu|quittung|kassenbon|kvittering|kvitto|ricevuta|recibo|paragon|účtenka|bestellabschluss|order complete|checkout complete)(?:$|[\s|–-])/;

/** A heading that only says thank you ("Thank you, Anna!", "Vielen Dank!"): a confirmation's, or a newsletter's. */
export const THANK_YOU_HEADING =
  /^(?:thank you|thanks|vielen dank|danke(?: schön)?|herzlichen dank|merci(?: beaucoup)?|bedankt|dank je wel|hartelijk dank|grazie(?: mille)?|gracias|muchas gracias|dziękujemy|tack|tak|děkujeme)(?:[ ,]+[\p{L}.' -]{1,40})?\s?[!.]?$/u;

/**
 * Labels of the order number, in the forms shops print them ("Bestellnummer:",
 * "Order #", "Your order number is:", "N° de commande", "Objednávka č.").
 * The number follows the label in the same text or in the next element.
 */
export const ORDER_NUMBER_LABEL = new RegExp(
  anyOf(
    // German
    '(?:ihre |deine )?(?:bestell|auftrags|vorgangs)(?:-?nummer|-?nr\\.?|-?referenz)(?: lautet| ist)?',
    '(?:ihre |deine )?bestellung(?: nr\\.?| nummer| #|\\s?#)',
    'bestell-?id',
    'auftrags-?id',
    'bestellungs-?(?:nummer|nr\\.?)',
    '(?:ihre |deine )?bestellung:',
    'unter der (?:bestell)?nummer',
    'bevestiging(?:snummer)?\\s?#',
    'best(?:ä|ae)tigung(?:snummer)?\\s?#',
    // English
    '(?:your )?order (?:reference|confirmation) (?:number|no\\.?|code)(?: is)?',
    '(?:your )?order[ -]?(?:number|no\\.?|nr\\.?|nbr\\.?|id|reference|ref\\.?)(?: is| for (?:your )?reference)?',
    // "Your order has been registered with number 7KQ2M9XD4H1R" (Vanilo)
    'order (?:has been|was) (?:registered|placed|received|created) (?:with|under) (?:the )?number',
    // Shopp's receipt: "Order Num:"
    'order num(?:\\.|:|\\b)',
    'your order # is',
    '(?:your )?order\\s?#',
    '(?:your )?confirmation (?:number|no\\.?|code)(?: is)?',
    // A confirmation number, in each language
    'best(?:ä|ae)tigungsnummer', 'num(?:é|e)ro de confirmation', 'n(?:ú|u)mero de confirmaci(?:ó|o)n', 'numero di conferma', 'bevestigingsnummer', 'numer potwierdzenia',
    'confirmation\\s?#',
    'order:',
    'order with (?:the )?number',
    'confirmation (?:email |e-mail )?for (?:your )?order',
    // The confirmation number of a checkout (Shopify), in each language
    '(?:best(?:ä|ae)tigung|confirmation|bevestiging|conferma|confirmación|potwierdzenie|bekräftelse|bekræftelse|bekreftelse|potvrzení|potvrdenie|vahvistus|confirmação)(?:snummer|s-?nr\\.?|number|numero|número)?\\s?(?:#|nr\\.?|n[oº°]\\.?|n\\.º|č\\.)',
    // Slovak, Finnish, Portuguese, Hungarian, Norwegian, Romanian
    'číslo objednávky', 'tilausnumero', 'tilausnro', '(?:número|n\\.º|nº) (?:da |de |do )?(?:encomenda|pedido)', 'encomenda (?:n\\.º|nº|n°|#|número)',
    'rendelésszám', 'rendelés(?:i)? azonosító', 'rendelés (?:száma|#)', 'ordrenummer', 'bestillingsnummer', 'num[aă]r(?:ul)? (?:de )?comand[aă]', 'comanda (?:nr\\.?|#)',
    // French
    '(?:votre )?(?:numéro|n°|no\\.?|nº) de (?:la )?commande(?: est)?',
    '(?:votre )?référence de (?:la |votre )?commande(?: est)?',
    '(?:votre )?commande (?:n°|nº|no\\.?|numéro|#|réf\\.?|référence)',
    // Dutch
    '(?:uw |je |jouw )?(?:bestel|order)(?:nummer|nr\\.?|referentie)(?: is)?',
    '(?:uw |je )?bestelling (?:nr\\.?|nummer|#)',
    // Italian
    "(?:il tuo )?numero (?:d'|d’|dell'|dell’|di |del )?\\s?ordine(?: è)?",
    '(?:n\\.|nr\\.|nº|n°) (?:d\'|dell\'|di )?\\s?ordine',
    '(?:codice|riferimento) (?:d\'|dell\'|di |del )?\\s?ordine',
    'ordine (?:n\\.|nr\\.|nº|n°|numero|#)',
    // Spanish
    '(?:tu |su )?(?:número|nº|n\\.º|no\\.?|núm\\.?) de (?:pedido|orden)(?: es)?',
    '(?:referencia|código) (?:de|del) pedido',
    'pedido (?:n\\.º|nº|n°|no\\.?|núm\\.?|número|#)',
    // Polish
    '(?:numer|nr\\.?) (?:twojego |pana |pani )?zamówienia(?: to)?',
    'zamówienie (?:nr\\.?|numer|#)',
    // Swedish
    '(?:ditt |ert )?(?:order|beställnings)(?:nummer|nr\\.?)(?: är)?',
    '(?:order|beställning) (?:nr\\.?|#)',
    // Danish
    '(?:dit |jeres )?(?:ordre|bestillings)(?:nummer|nr\\.?)(?: er)?',
    'ordre (?:nr\\.?|#)',
    // Czech
    'číslo (?:vaší |tvé )?objednávky(?: je)?',
    'objednávka (?:č\\.|číslo|#)',
    'kód objednávky',
    // "Order ID" in each language, as shop systems name the number (Aimeos, Bagisto, GrandNode)
    '(?:id|identifiant|identificador|identificativo) (?:de la |de |del |do |da |dell\'|dell’|della )?\s?(?:commande|pedido|ordine|encomenda|orden)',
    '(?:commande|pedido|ordine|encomenda|bestelling|zamówienia|objednávky|tilauksen|beställnings|ordre)-?\s?id',
    'id (?:zamówienia|objednávky|tilauksen)',
    'αριθμός παραγγελίας', 'παραγγελία (?:#|αρ\\.)',
    // Japanese, Chinese, Russian, Ukrainian, Turkish, Korean
    'ご?注文番号', '受注番号', 'オーダー(?:番号|id)', '订单(?:号|编号|號)', '訂單(?:編號|號碼|号)', 'номер (?:вашего )?заказа', 'заказ (?:№|номер|#)', 'номер замовлення', 'замовлення (?:№|#)',
    'sipariş (?:numarası|numaranız|no\\.?|kodu|#)', '주문 ?번호',
  ),
);

/** Order-number labels that name a reference, which may be letters only (PrestaShop's "XKBKNABJK"). */
export const REFERENCE_LABEL = /(?:referen[cz]|référence|riferimento|referencia|referentie|reference)/;

/** A total that is the grand total: what the customer pays, tax and shipping included. */
export const GRAND_TOTAL_LABEL = new RegExp(
  anyOf(
    // German
    'gesamt(?:summe|betrag|preis|kosten)(?: inkl\\.?| brutto| \\(inkl| \\(brutto)?',
    'endsumme', 'endbetrag', 'rechnungsbetrag', 'zahlbetrag', 'bestellsumme', 'bestellwert',
    'zu zahlen(?:der betrag)?', 'zu bezahlen', 'gesamt (?:inkl|brutto|\\(inkl|\\(brutto)', 'summe (?:inkl|brutto|\\(inkl)',
    // English
    'grand total', 'order total', 'total cost', 'totale kosten', 'coût total', 'costo totale', 'cost[oe] total', 'final (?:booking |order )?total', 'total (?:paid|due|to pay|amount|charged|payable)', 'amount (?:paid|due|charged|payable)',
    'total (?:\\()?(?:incl|inc\\.|including|tax incl|vat incl|gross)', 'gross total', 'payment due', 'total paid today', 'you paid',
    // French
    'total ttc', 'montant total(?: ttc)?', 'total à payer', 'montant (?:payé|à payer|réglé)', 'total (?:de la )?commande', 'net à payer',
    'total \\(?(?:ttc|taxes? comprises?)',
    // Dutch
    'totaalbedrag', 'totaal(?:prijs)? (?:incl|\\(incl)', 'te betalen', 'totaal te betalen', 'betaald bedrag', 'ordertotaal', 'bestel(?:ling)?\\s?totaal', 'totaal (?:bestelling|order)',
    // Italian
    'totale (?:ordine|complessivo|da pagare|pagato|\\(?iva inclusa|\\(?incl)', 'importo (?:totale|pagato|da pagare)',
    // Spanish
    'importe total', 'total (?:a pagar|pagado|del pedido|\\(?iva incluido|\\(?impuestos incluidos)',
    // Polish
    '(?:razem |łącznie |suma )?do zapłaty', 'wartość zamówienia(?: brutto)?', 'łączna kwota', 'suma (?:brutto|zamówienia)', 'razem brutto', 'kwota do zapłaty',
    // Swedish
    '(?:totalt |summa )?att betala', 'totalbelopp', 'totalsumma', 'totalt (?:inkl|inklusive)', 'summa (?:inkl|att)',
    // Danish
    '(?:i alt |total )?at betale', 'samlet (?:beløb|pris)', 'i alt (?:inkl|inklusive)', 'total (?:inkl|inklusive)',
    // Czech
    '(?:celkem )?k (?:úhradě|zaplacení)', 'celková (?:cena|částka)', 'cena celkem', 'celkem (?:s dph|vč)', 'celkem za objednávku',
    // Slovak, Finnish, Portuguese, Hungarian, Norwegian, Romanian
    'celkom (?:s dph|k úhrade)', 'k úhrade', 'loppusumma', 'maksettava(?: yhteensä)?', 'yhteensä (?:sis|alv)', 'total (?:\\()?iva incluído', 'total a pagar',
    'végösszeg', 'fizetendő(?: összeg)?', 'totalt (?:inkl|å betale)', 'å betale', 'total de plată', 'total (?:cu tva|comandă)',
    'συνολικό ποσό', 'σύνολο παραγγελίας', 'πληρωτέο ποσό', 'γενικό σύνολο',
    // Japanese, Chinese, Russian, Ukrainian, Turkish, Korean
    'お支払い?(?:合計|金額|総額)', 'ご請求(?:金額|額)', '合計金額', '総合計', '総額', 'お買い?上げ合計', '(?:实付|應付|应付|实际支付)(?:款|金额|金額)?', '订单总(?:额|计)', '訂單總(?:額|計)', '(?:总|總)金(?:额|額)',
    '(?:итого )?к оплате', 'сумма заказа', 'общая сумма', 'до сплати', 'загальна сума', 'сума замовлення', 'genel toplam', 'ödenecek tutar', 'toplam tutar', 'ödenen tutar', 'sipariş toplamı',
    '총 ?결제 ?금액', '최종 ?결제 ?금액', '결제 ?금액', '총 ?주문 ?금액',
  ),
);

/**
 * What is left to pay after gift cards, store credit or a voucher: beside a
 * grand total that differs, this is what the customer pays.
 */
export const PAYABLE_LABEL = new RegExp(
  anyOf(
    // A cash-rounded total (Swiss francs to 0.05): what is charged
    '(?:gesamt(?:summe|betrag)?|summe|total|montant total|totale) (?:gerundet|rounded|arrondi)', '(?:rounded|gerundete[rs]?) (?:total|gesamtsumme|summe)',
    'zu zahlen(?:der betrag)?', 'zahl(?:ungs)?betrag', 'zu bezahlen', 'rechnungsbetrag', 'amount (?:paid|due|payable|to pay)', 'total (?:paid|due|to pay)', 'balance due',
    'importo (?:pagato|da pagare)', 'montant (?:payé|à payer|réglé)', 'net à payer', 'reste à payer', 'betaald bedrag', 'te betalen',
    'do zapłaty', 'k (?:úhradě|úhrade|zaplacení)', 'att betala', 'at betale', 'å betale', 'fizetendő', 'maksettava', 'importe (?:pagado|a pagar)',
    'total (?:pagado|a pagar)', 'valor (?:pago|a pagar)', 'montante',
    // A bank transfer's instruction names the sum to transfer (Phoca Cart: "Please transfer €90.90 to our account")
    'please transfer', 'bitte überweisen sie', 'veuillez (?:virer|transférer)',
  ),
);

/** The whole text of an element that names an order and nothing else: "Order", "Bestellung #", "Commande n°". */
export const ORDER_WORD = /^(?:your |ihre |deine )?(?:order|bestellung|auftrag|commande|bestelling|ordine|pedido|encomenda|zamówienie|ordre|objednávka|objednávka č\.|tilaus|rendelés|beställning|bestilling|comanda|замовлення|заказ)(?:\s*(?:#|no\.?|nr\.?|n[°º]\.?|n\.º|№))?\s*:?$/;

/** A heading that is an order's name: "Order R482193756", "Bestellung #A-10023", "Order 7c41e09". */
export const ORDER_HEADING = /^(?:your |ihre |deine )?(?:order|bestellung|auftrag|commande|bestelling|ordine|pedido|encomenda|zamówienie|ordre|objednávka|tilaus|rendelés|beställning|bestilling|comanda|замовлення|заказ)\s*:?\s*(?:#|no\.?|nr\.?|n[°º]\.?|n\.º|№)?\s*((?=[A-Za-z._/-]*\d)[A-Za-z0-9][A-Za-z0-9._/-]{2,63})(?:\s+(?:bestätigt|confirmed|confirmée|bevestigd|confermato|confirmado|potwierdzone|bekräftad|bekræftet|potvrzena|placed|received|erhalten))?\s*[!.]?$/i;

/**
 * A receipt's bare "Paid" beside the amount (Crystallize's order page): a
 * plain total, which a grand total beside it beats (an instalment "pagado").
 */
export const BARE_PAID_LABEL = /^(?:paid|bezahlt|payé|betaald|pagato|pagado|zapłacono|betalt|zaplaceno)\s*:?$/;

/** A bare "total" label: the grand total unless the same summary has a more precise one. */
export const TOTAL_LABEL = new RegExp(
  `(?<![\\p{L}])${anyOf('gesamt', 'summe', 'total', 'totaal', 'totale', 'razem', 'suma', 'łącznie', 'summa', 'totalt', 'i alt', 'celkem', 'celkom', 'spolu', 'betrag', 'yhteensä', 'összesen', 'sum', 'montant', 'importe', 'importo', 'kwota', 'belopp', 'beløp', 'beløb', 'částka', 'amount', '合計', '合计', '总计', '總計', 'итого', 'всего', 'разом', 'toplam', '합계', 'σύνολο')}(?![\\p{L}])`,
  'u',
);

/** Totals that are not the grand total: before tax, shipping or discounts, or one line of the order. */
export const PARTIAL_TOTAL_LABEL = new RegExp(
  anyOf(
    'zwischensumme', 'zwischentotal', 'teilsumme', 'parziale', 'parcial', 'partiel', 'warenwert', 'subtotal', 'sub-total', 'sub total', 'sous-total', 'subtotaal', 'subtotale', 'suma częściowa',
    'delsumma', 'mellemsum', 'mezisoučet', 'zboží celkem', 'artikel(?:summe|preis)', 'item(?:s)? (?:total|subtotal)', 'line total', 'value of items',
    'netto', '\\bnet\\b', 'excl', 'exkl', 'zzgl', 'ohne mwst', 'hors tax', '\\(ht\\)', '\\bht\\b', 'zonder btw', 'esclusa iva', 'iva esclusa', 'sin iva',
    'bez dph', 'ekskl', 'exklusive', 'before tax', 'pre-tax', 'savings', 'ersparnis', 'rabatt', 'discount', 'gutschein', 'coupon', 'remise', 'korting',
    'sconto', 'descuento', 'rabat', 'sleva', 'gewicht', 'weight', 'anzahl', 'quantity', 'menge', 'artikel gesamt', 'per item', 'pro stück', 'stückpreis', 'unit price',
    'noch\\b', 'remaining', 'free shipping', 'versandkostenfrei', 'välisumma', 'részösszeg', 'delsum', 'mezisúčet', 'subtotal',
    'alennus', 'kedvezmény', 'desconto', 'reducere', 'instal', 'raten', 'cuotas', 'plazos', 'mensualit',
    // The basket's goods, before shipping: a subtotal on a confirmation
    'basket total', 'basket value', 'winkelmand(?:je)? totaal', 'warenkorb(?:summe|wert)', 'total (?:du )?panier', 'totale carrello', 'total (?:del )?carrito',
    'total dos itens', 'total de (?:los )?(?:artículos|productos)', 'valor dos produtos',
    'gift card', 'geschenkkarte', 'gutschrift', 'guthaben', 'carta regalo', 'carte cadeau', 'tarjeta regalo', 'cadeaubon', 'store credit', 'credit\\b',
    'μερικό σύνολο', 'υποσύνολο', 'έκπτωση', '小計', '小计', '税抜', '不含税', '割引', '优惠', 'подытог', 'промежуточный итог', 'скидка', 'знижка', 'проміжний підсумок', 'ara toplam', 'indirim', '소계', '할인', '상품 ?금액',
  ),
);

/** Tax and shipping lines: not the grand total unless the label says they are included. */
export const TAX_OR_SHIPPING_LABEL = new RegExp(
  anyOf(
    'versand', 'shipping', 'livraison', 'verzend', 'spedizion', 'envío', 'dostaw', '\\bfrakt', '\\bfragt', 'doprav', '\\bporto\\b', 'delivery',
    'mwst', 'ust\\.', '\\bvat\\b', '\\btax', 'tva', '\\bbtw\\b', '\\biva\\b', '\\bmoms\\b', '\\bdph\\b', 'podatek', 'gst', '\\balv\\b', 'áfa',
    '\\bmva\\b', 'toimitus', 'szállítás', '\\bportes\\b', '\\benvio\\b',
    'frete', 'cost(?:ul)? (?:de )?transport', 'μεταφορικά', 'αποστολή', 'costo de envío',
    // Taxes named as such ("Totale imposte", "Gesamt Steuer", "Total des taxes")
    'steuer', 'impost[ae]', 'impuestos?\\b', '\\btaxes\\b', 'belasting', '\\bskatt', 'φπα', '\\bfpa\\b', 'vergi', 'налог', '\\báfa\\b',
    '送料', '消費税', '手数料', '运费', '運費', '税费', 'доставка', 'ндс', 'пдв', 'kargo', '\\bkdv\\b', '배송비', '부가세',
  ),
);

/** "incl. 19 % MwSt.", "(dont TVA 20 %)": what a total says it includes, which is not a reason to refuse it. */
export const INCLUDED_PHRASE =
  /(?:(?:taxes|tax|vat|mwst\.?|ust\.?|tva|btw|iva|impuestos|imposte|impostos|moms|dph)\s*(?:incl(?:uded)?|inkl|inclusive|inc)\.?|inkl\.?|incl\.?|inc\.|including|includes?|inklusive|enth(?:ä|ae)lt|enthalten|darin|dont|incluido|inclusa|compris|zawiera|vč\.?|včetně|inklusiv|med)\s*(?:[^,;)]|,(?=\d))*/gi;

/**
 * The button that places the order on the final review step (§312j BGB asks
 * for "zahlungspflichtig bestellen" or the like; other markets "Place order",
 * "Commander avec obligation de paiement", "Bestelling plaatsen" …).
 */
export const PLACE_ORDER_BUTTON = new RegExp(
  `^(?:${anyOf(
    '(?:jetzt )?(?:zahlungspflichtig|kostenpflichtig) (?:bestellen|kaufen|bestellung abschicken|bestellung absenden)',
    'bestellung (?:abschicken|absenden|abschließen|aufgeben|zahlungspflichtig abschicken)',
    'jetzt (?:kaufen|bestellen|zahlen|bezahlen)', 'kaufen', 'bestellen', 'zahlungspflichtig bestellen',
    '(?:place|submit|complete|confirm) (?:my |your |the )?order', 'place order and pay', '(?:complete|confirm) (?:purchase|payment)',
    'finali[sz]e (?:and pay|order|my order|purchase)(?: for (?:my|your|the) order)?', 'pay for (?:my|your|the) order',
    'pay now', 'buy now', 'order now', 'order and pay', '(?:finish|complete) (?:and|&) pay', 'pay (?:and|&) (?:order|place order)', 'continue to payment and place order',
    'commander avec obligation de paiement', 'commande avec obligation de paiement', 'passer (?:la |ma )?commande', 'valider (?:la |ma )?commande',
    'confirmer (?:la |ma )?commande', 'payer (?:maintenant|la commande)', 'commander',
    'bestelling plaatsen', 'bestellen en betalen', '(?:nu )?betalen', 'bestelling afronden', 'bestelling met betalingsverplichting',
    'ordina con obbligo di pagamento', 'effettua (?:l\'|l’)?ordine', 'conferma (?:l\'|l’)?ordine', 'ordina ora', 'acquista ora', 'paga ora',
    'realizar pedido', 'comprar ahora', 'pagar ahora', 'confirmar (?:el )?pedido', 'finalizar (?:el )?pedido', 'pedido con obligación de pago',
    'zamawiam z obowiązkiem zapłaty', 'złóż zamówienie', 'kupuję i płacę', 'zamawiam i płacę', 'potwierdzam zakup', 'zapłać',
    'slutför (?:köp|beställning|order)', 'lägg order', 'köp nu', 'bekräfta (?:köp|beställning|order)', 'beställ',
    'bestil nu', 'gennemfør (?:køb|bestilling|ordre)', 'godkend (?:køb|ordre)', 'afgiv ordre', 'bekræft (?:køb|ordre)', 'køb nu',
    'objednat s povinností platby', 'dokončit objednávku', 'odeslat objednávku', 'závazně objednat', 'objednat a zaplatit', 'potvrdit objednávku',
    '注文する', 'ご?注文を確定(?:する)?', '購入(?:する|を確定する)', '注文を完了する', '提交(?:订单|訂單)', '立即购买', '确认下单', '確認下單', '(?:去|立即|确认)(?:支付|付款)', '(?:去|立即|確認)(?:支付|付款)',
    'оформить заказ', 'подтвердить заказ', 'купить', 'оплатить', 'оформити замовлення', 'підтвердити замовлення', 'siparişi (?:tamamla|onayla|ver)', 'satın al', 'ödemeyi tamamla',
    '결제하기', '주문하기', '구매하기',
  )})[.!]?$`,
);

/** The payment failed or the order was cancelled: the order is not owed points. */
export const FAILED_PAYMENT = new RegExp(
  anyOf(
    'zahlung (?:ist |wurde )?(?:fehlgeschlagen|abgebrochen|abgelehnt|nicht erfolgreich)', 'bezahlung (?:ist )?(?:fehlgeschlagen|abgebrochen)',
    // "Leider wurde die Zahlung für Ihre Bestellung verweigert" (Aimeos), "Si è verificato un errore durante la transazione" (CoreShop)
    '(?:zahlung|bezahlung) (?:für (?:ihre|deine) bestellung )?(?:wurde |ist )?(?:verweigert|abgelehnt|storniert)', 'zahlungsstatus:? (?:abgelehnt|fehlgeschlagen|verweigert)',
    'errore durante (?:la transazione|il pagamento)', 'error (?:during|processing) (?:the |your )?(?:transaction|payment)', 'fehler (?:bei der|während der) (?:zahlung|transaktion)',
    'erreur (?:lors|au cours) (?:de la transaction|du paiement)', 'error (?:durante|en) (?:la transacción|el pago)',
    'bestellung (?:wurde )?(?:storniert|abgebrochen)', 'ihre bestellung (?:konnte nicht|kann nicht) (?:abgeschlossen|bearbeitet)',
    // "We have your order, but could not process the payment"
    '(?:konnten|können) (?:ihre|deine) zahlung nicht', 'zahlung (?:konnte|kann) nicht (?:bearbeitet|durchgeführt|abgeschlossen|verarbeitet)',
    "(?:could not|couldn't|couldn’t|were unable to|was unable to) (?:process|complete|authori[sz]e) (?:your|the) payment", 'payment (?:could not|couldn\'t|cannot) be (?:processed|completed|authori[sz]ed)',
    "(?:n'avons|n’avons) pas pu (?:traiter|valider) (?:votre|le) paiement", 'non (?:è stato possibile|siamo riusciti a) (?:elaborare|completare) il pagamento',
    'no (?:hemos podido|se ha podido) (?:procesar|completar) (?:tu|su|el) pago', '(?:konden|kunnen) (?:je|uw) betaling niet',
    'payment (?:has been |has |was )?(?:failed|declined|cancell?ed|unsuccessful|not successful|rejected|(?:could not|couldn\'t|couldn’t|cannot) be (?:processed|completed|taken|charged|captured|authori[sz]ed))',
    '(?:your )?order (?:has been |was )?(?:cancell?ed|failed)', 'order cannot be processed', 'transaction (?:failed|declined)',
    '(?:we noticed|there (?:was|is)) a problem with your order', 'wir haben ein problem mit ihrer bestellung', 'nous avons remarqué un problème avec votre commande',
    'abbiamo riscontrato un problema con il tuo ordine', 'hemos detectado un problema con (?:tu|su) pedido',
    'paiement (?:a échoué|refusé|annulé|non abouti)', 'commande annulée', 'échec du paiement',
    'betaling (?:is )?(?:mislukt|geannuleerd|afgewezen)', 'bestelling (?:is )?geannuleerd',
    'pagamento (?:non riuscito|fallito|annullato|rifiutato)', 'ordine annullato',
    'pago (?:fallido|rechazado|cancelado|no se ha podido)', 'pedido cancelado',
    'płatność (?:nie powiodła się|odrzucona|anulowana)', 'zamówienie (?:zostało )?anulowane',
    'betalningen (?:misslyckades|avbröts|nekades)', 'betalingen (?:mislykkedes|blev afvist|annulleret)',
    'platba (?:se nezdařila|byla zamítnuta|zrušena|selhala)', 'objednávka (?:byla )?zrušena',
    '決済(?:に失敗|エラー)', '注文(?:が)?キャンセル', '支付失败', '付款失敗', 'оплата не (?:прошла|удалась)', 'заказ отмен[её]н', 'платіж не пройшов', 'замовлення скасовано',
    'ödeme (?:başarısız|reddedildi)', 'sipariş iptal edildi', '결제(?:가)? 실패', '주문(?:이)? 취소',
  ),
);
